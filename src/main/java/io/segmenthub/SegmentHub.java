package io.segmenthub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class SegmentHub {
    public static void main(String[] args) {
        SpringApplication.run(SegmentHub.class, args);
    }
}
