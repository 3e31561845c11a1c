package io.segmenthub.segment.clv;

import java.util.List;
import java.util.function.ToDoubleFunction;

import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.PointValuePair;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.hipparchus.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Maximum-likelihood search shared by the CLV models: Nelder-Mead (Hipparchus
 * {@link SimplexOptimizer}) over the <em>logarithms</em> of parameters that must be positive.
 * <p>
 * Why log-parameters: every BG/NBD and Gamma-Gamma parameter is a shape or scale and must be
 * &gt; 0. Searching over log θ turns that constraint into an unbounded problem, so the simplex can
 * never step onto an invalid value, and it evens out the scales (α is around 4 weeks, r around 0.2),
 * which Nelder-Mead, having one step size for all coordinates, needs. Lifetimes does the same.
 * <p>
 * Why several starts and restarts: Nelder-Mead can stall on a flat ridge (r and α are strongly
 * correlated in BG/NBD) and report convergence early. Each start is therefore restarted from its
 * own optimum until the log-likelihood stops improving, and the best optimum over the starts wins.
 * Starts are fixed, so the fit is deterministic.
 */
final class MaximumLikelihood {

    private static final double RELATIVE_TOLERANCE = 1e-12;
    private static final double ABSOLUTE_TOLERANCE = 1e-10;
    private static final int EVALUATIONS_PER_RUN = 20_000;
    private static final int MAX_RESTARTS = 5;

    private MaximumLikelihood() {
    }

    /** A maximum: the parameters (natural scale) and the log-likelihood there. */
    record Estimate(double[] parameters, double logLikelihood) {
    }

    /**
     * Maximises {@code logLikelihood} (a function of the natural, positive parameters) from each of
     * {@code starts} and returns the best optimum found.
     */
    static Estimate maximise(String model, ToDoubleFunction<double[]> logLikelihood, List<double[]> starts) {
        ObjectiveFunction objective = new ObjectiveFunction(logTheta -> {
            double value = logLikelihood.applyAsDouble(exp(logTheta));
            // NaN would poison the simplex ordering; an impossible point is simply worst.
            return Double.isNaN(value) ? Double.NEGATIVE_INFINITY : value;
        });
        SimplexOptimizer optimizer = new SimplexOptimizer(RELATIVE_TOLERANCE, ABSOLUTE_TOLERANCE);
        PointValuePair best = null;
        for (double[] start : starts) {
            PointValuePair optimum = run(model, optimizer, objective, log(start));
            for (int restart = 0; restart < MAX_RESTARTS; restart++) {
                PointValuePair again = run(model, optimizer, objective, optimum.getPoint());
                boolean improved = again.getValue() > optimum.getValue() + ABSOLUTE_TOLERANCE;
                optimum = again.getValue() >= optimum.getValue() ? again : optimum;
                if (!improved) {
                    break;
                }
            }
            if (best == null || optimum.getValue() > best.getValue()) {
                best = optimum;
            }
        }
        if (best == null || !Double.isFinite(best.getValue())) {
            throw new ClvFitException(model + ": the log-likelihood has no finite maximum on this data");
        }
        return new Estimate(exp(best.getPoint()), best.getValue());
    }

    private static PointValuePair run(String model, SimplexOptimizer optimizer, ObjectiveFunction objective, double[] start) {
        try {
            return optimizer.optimize(new MaxEval(EVALUATIONS_PER_RUN), objective, GoalType.MAXIMIZE,
                    new InitialGuess(start), new NelderMeadSimplex(start.length, 0.5));
        } catch (MathIllegalStateException e) {
            throw new ClvFitException(model + ": the likelihood search did not converge within "
                    + EVALUATIONS_PER_RUN + " evaluations", e);
        }
    }

    private static double[] exp(double[] logs) {
        double[] values = new double[logs.length];
        for (int i = 0; i < logs.length; i++) {
            values[i] = Math.exp(logs[i]);
        }
        return values;
    }

    private static double[] log(double[] values) {
        double[] logs = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            logs[i] = Math.log(values[i]);
        }
        return logs;
    }
}
