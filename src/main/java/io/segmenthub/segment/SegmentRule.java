package io.segmenthub.segment;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A segment membership rule: a <a href="https://github.com/google/cel-spec">CEL</a> expression
 * over one profile's {@link ProfileFacts} that returns bool. It is type-checked when compiled, so
 * a misspelt variable or a comparison of a string with an int fails when the segment is defined,
 * not on the first profile. Variables:
 * <pre>
 *   rfm                  map(string, dyn)  recency, frequency, monetary (int, 0 if never purchased),
 *                                          code, segment ("" if never purchased),
 *                                          value_type ("none" if never purchased)
 *   value_type           string            same as rfm.value_type: high_value, growth_potential,
 *                                          opportunity, general or none
 *   consent              map(string, bool) purpose -> granted
 *   attributes           map(string, string)
 *   sources              list(string)
 *   orders               int
 *   revenue              double
 *   days_since_purchase  int               -1 if never purchased
 *   events               int
 *   has_email            bool
 *   has_phone            bool
 *   has_purchases        bool              orders > 0
 *   clv                  double            -1 if the history is too short
 *   p_alive              double            -1 if never purchased
 *   cluster              string            behaviour cluster id ("c3"), "none" if not clustered
 * </pre>
 * Reading a missing map key ({@code attributes.city} for a profile without a city) is an
 * evaluation error, as CEL specifies; guard with {@code has(attributes.city)} or
 * {@code 'city' in attributes}.
 */
public final class SegmentRule {

    private static final CelOptions OPTIONS = CelOptions.current()
            // Lets 'revenue >= 500' work as well as 'revenue >= 500.0', as people will write both.
            .enableHeterogeneousNumericComparisons(true)
            .build();

    private static final CelType RFM_TYPE = MapType.create(SimpleType.STRING, SimpleType.DYN);

    /** The variables a rule may read, with their CEL types (see the class comment). */
    private static final Map<String, CelType> VARIABLES = declaredVariables();

    private static Map<String, CelType> declaredVariables() {
        Map<String, CelType> variables = new LinkedHashMap<>();
        variables.put("rfm", RFM_TYPE);
        variables.put("value_type", SimpleType.STRING);
        variables.put("consent", MapType.create(SimpleType.STRING, SimpleType.BOOL));
        variables.put("attributes", MapType.create(SimpleType.STRING, SimpleType.STRING));
        variables.put("sources", ListType.create(SimpleType.STRING));
        variables.put("orders", SimpleType.INT);
        variables.put("revenue", SimpleType.DOUBLE);
        variables.put("days_since_purchase", SimpleType.INT);
        variables.put("events", SimpleType.INT);
        variables.put("has_email", SimpleType.BOOL);
        variables.put("has_phone", SimpleType.BOOL);
        variables.put("has_purchases", SimpleType.BOOL);
        variables.put("clv", SimpleType.DOUBLE);
        variables.put("p_alive", SimpleType.DOUBLE);
        variables.put("cluster", SimpleType.STRING);
        return Collections.unmodifiableMap(variables);
    }

    // Compiler and runtime are immutable and shared; so are the programs they make.
    private static final CelCompiler COMPILER = compiler();

    private static CelCompiler compiler() {
        var builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS);
        VARIABLES.forEach(builder::addVar);
        return builder.build();
    }

    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .build();

    private final String expression;
    private final CelRuntime.Program program;
    private final Set<String> variables;

    private SegmentRule(String expression, CelRuntime.Program program, Set<String> variables) {
        this.expression = expression;
        this.program = program;
        this.variables = variables;
    }

    /**
     * Compiles and type-checks a CEL expression over the variables in the class comment; it must
     * return bool.
     *
     * @throws SegmentRuleException for bad syntax, an unknown variable or function, a type error,
     *                              or a result that is not bool, with CEL's description of it
     */
    public static SegmentRule compile(String expression) {
        Objects.requireNonNull(expression, "expression");
        CelAbstractSyntaxTree ast;
        try {
            ast = COMPILER.compile(expression).getAst();
        } catch (CelValidationException e) {
            throw new SegmentRuleException("segment rule does not compile: " + e.getMessage());
        }
        // A dyn result (rfm.segment) is rejected too: it may not be bool for every profile.
        if (!ast.getResultType().equals(SimpleType.BOOL)) {
            throw new SegmentRuleException("segment rule must return bool but returns "
                    + ast.getResultType().name() + ": " + expression);
        }
        try {
            // the checker resolved every identifier, macros' locals included: the declared ones are the variables read
            Set<String> variables = ast.getReferenceMap().values().stream().map(CelReference::name)
                    .filter(VARIABLES::containsKey).collect(Collectors.toUnmodifiableSet());
            return new SegmentRule(expression, RUNTIME.createProgram(ast), variables);
        } catch (CelEvaluationException e) {
            throw new SegmentRuleException("segment rule cannot be planned: " + e.getMessage());
        }
    }

    public String expression() {
        return expression;
    }

    /** The variables the rule reads, such as {@code orders} or {@code consent}: what its facts must hold. */
    public Set<String> variables() {
        return variables;
    }

    /**
     * Evaluates the rule against one profile. Thread-safe.
     *
     * @throws SegmentRuleException if evaluation fails, e.g. on a missing map key
     */
    public boolean matches(ProfileFacts facts) {
        Object result;
        try {
            result = program.eval(facts::variable);
        } catch (CelEvaluationException e) {
            throw new SegmentRuleException("segment rule failed on golden profile " + facts.goldenId()
                    + ": " + withoutProfileData(e, facts) + " in: " + expression);
        }
        if (result instanceof Boolean matched) {
            return matched;
        }
        // Unreachable after the compile-time check; kept so a CEL change cannot pass silently.
        throw new SegmentRuleException("segment rule returned " + result.getClass().getSimpleName()
                + " instead of bool: " + expression);
    }

    /**
     * CEL's error text, unless it quotes an attribute value of the profile (as in {@code For input
     * string: "..."} from {@code int(attributes.x)}): then only the error code, so no personal data
     * reaches logs or API responses.
     */
    private static String withoutProfileData(CelEvaluationException e, ProfileFacts facts) {
        String message = String.valueOf(e.getMessage());
        boolean quotesProfileData = facts.attributes().values().stream()
                .anyMatch(value -> value.length() >= 2 && message.contains(value));
        return quotesProfileData
                ? "evaluation error " + e.getErrorCode() + " (details withheld: they contain profile data)"
                : message;
    }

    @Override
    public String toString() {
        return expression;
    }
}
