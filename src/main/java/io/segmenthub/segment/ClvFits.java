package io.segmenthub.segment;

import io.segmenthub.segment.clv.BgNbdModel;
import io.segmenthub.segment.clv.GammaGammaModel;
import io.segmenthub.system.Timestamps;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * The CLV models profiles are valued with ({@code clv_fit}): every fit is kept, with the day and
 * currency it was fitted for and how many buyers' histories changed in the runs that kept it.
 */
@Component
public class ClvFits {

    private final JdbcClient jdbc;

    public ClvFits(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A fit: the models, and what it was fitted on. */
    public record Fit(String runId, LocalDate asOf, String currency, int buyers, int repeatBuyers, int changedSince,
                      BgNbdModel frequency, GammaGammaModel spend) {

        /**
         * Whether a run as of {@code asOf} in {@code currency}, in which {@code changedNow} buyers'
         * histories changed, may value with this fit rather than fit again: same day, same currency,
         * and no more than {@code share} of the buyers changed since the fit, counting this run.
         */
        public boolean servesFor(LocalDate asOf, String currency, long changedNow, double share) {
            return this.asOf.equals(asOf) && this.currency.equals(currency) && changedSince + changedNow <= share * buyers;
        }
    }

    /** The latest fit, if any. */
    public Optional<Fit> latest() {
        return jdbc.sql("""
                        SELECT run_id, as_of, currency, buyers, repeat_buyers, changed_since, bg_r, bg_alpha, bg_a, bg_b, gg_p, gg_q, gg_gamma
                        FROM clv_fit ORDER BY fitted_at DESC, run_id DESC LIMIT 1""")
                .query((rs, n) -> new Fit(rs.getString(1), rs.getObject(2, LocalDate.class), rs.getString(3), rs.getInt(4), rs.getInt(5),
                        rs.getInt(6), BgNbdModel.of(rs.getDouble(7), rs.getDouble(8), rs.getDouble(9), rs.getDouble(10)),
                        GammaGammaModel.of(rs.getDouble(11), rs.getDouble(12), rs.getDouble(13))))
                .optional();
    }

    /** Keeps a fresh fit as the latest. */
    public void save(String runId, LocalDate asOf, String currency, int buyers, int repeatBuyers, BgNbdModel frequency,
                     GammaGammaModel spend, Instant at) {
        jdbc.sql("""
                        INSERT INTO clv_fit (run_id, as_of, currency, buyers, repeat_buyers, changed_since, bg_r, bg_alpha, bg_a, bg_b,
                                             gg_p, gg_q, gg_gamma, fitted_at)
                        VALUES (:run, :asOf, :currency, :buyers, :repeat, 0, :r, :alpha, :a, :b, :p, :q, :gamma, :at)""")
                .param("run", runId).param("asOf", asOf).param("currency", currency).param("buyers", buyers).param("repeat", repeatBuyers)
                .param("r", frequency.r()).param("alpha", frequency.alpha()).param("a", frequency.a()).param("b", frequency.b())
                .param("p", spend.p()).param("q", spend.q()).param("gamma", spend.gamma()).param("at", Timestamps.utc(at))
                .update();
    }

    /** A run valued with {@code fit}: adds the buyers whose histories it changed. */
    public void kept(Fit fit, long changed) {
        jdbc.sql("UPDATE clv_fit SET changed_since = changed_since + :changed WHERE run_id = :run")
                .param("changed", changed).param("run", fit.runId()).update();
    }
}
