package io.segmenthub.system;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code java -jar segment-hub.jar hash-password}: reads a password (without echo at a terminal,
 * else the first line of standard input) and prints its bcrypt hash for {@code users.yml}. Runs
 * without starting the hub, so it needs no keystore password.
 */
public final class PasswordHashCommand {

    private static final int MIN_LENGTH = 12;

    private PasswordHashCommand() {
    }

    public static int run(PrintStream out, PrintStream err) {
        String password;
        Console console = System.console();
        try {
            if (console != null) {
                char[] typed = console.readPassword("password: ");
                char[] again = console.readPassword("again: ");
                if (typed == null || again == null || !String.valueOf(typed).equals(String.valueOf(again))) {
                    err.println("hash-password: the two passwords differ");
                    return 2;
                }
                password = String.valueOf(typed);
            } else {
                password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
        } catch (IOException e) {
            err.println("hash-password: cannot read the password: " + e.getMessage());
            return 2;
        }
        return hash(password, out, err);
    }

    static int hash(String password, PrintStream out, PrintStream err) {
        if (password == null || password.length() < MIN_LENGTH) {
            err.println("hash-password: use at least " + MIN_LENGTH + " characters");
            return 2;
        }
        out.println(new BCryptPasswordEncoder().encode(password));
        return 0;
    }
}
