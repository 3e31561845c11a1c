package io.segmenthub.pipeline;

import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The transaction around the profile stages of a run (resolve, golden, score, cluster, segments:
 * route {@code pipeline-profiles}): they commit together or not at all, so a run that loses its
 * store or its process in the middle leaves profiles, lineage, scores and memberships as the last
 * good run left them, never resolved by this run but scored by the last one. Each stage bean's own
 * {@code @Transactional} joins it. Pulled batches commit one by one before it (they are idempotent
 * and their watermarks move only at the end); pushes run after it, against committed memberships.
 */
@Configuration(proxyBeanMethods = false)
class ProfileTransaction {

    @Bean
    SpringTransactionPolicy profileStagesTransaction(PlatformTransactionManager transactions) {
        SpringTransactionPolicy policy = new SpringTransactionPolicy(transactions);
        policy.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        return policy;
    }
}
