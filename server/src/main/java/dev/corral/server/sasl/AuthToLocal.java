package dev.corral.server.sasl;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules that map a Kerberos principal to a short name, {@code zookeeper.security.auth_to_local}, with the syntax
 * and meaning of ZooKeeper 3.9.5's KerberosName (Hadoop's {@code hadoop.security.auth_to_local}, MIT krb5's
 * auth_to_local): a list of {@code DEFAULT} and {@code RULE:[n:format](match)s/from/to/[g]}, tried in order, the
 * first that applies giving the short name.
 * <ul>
 *   <li>{@code DEFAULT} applies to a name of the default realm, giving its first component.</li>
 *   <li>{@code RULE:[n:format]} applies to a name of n components: the format with $0 replaced by the realm and $1,
 *       $2 by the components; the optional {@code (match)} must match the result, and the optional sed-like
 *       substitution is applied to it (every match with {@code g}, else the first).</li>
 * </ul>
 * A simple name (no realm) is its own short name. A rule whose result still has '/' or '@' ends the search with no
 * short name, as ZooKeeper's NoMatchingRule does. Immutable.
 */
public final class AuthToLocal {
    /** ZooKeeper's system property for the rules; default {@code DEFAULT}. */
    public static final String PROPERTY = "zookeeper.security.auth_to_local";

    // ZooKeeper's KerberosName.ruleParser and parameterPattern.
    private static final Pattern RULE = Pattern.compile(
            "\\s*((DEFAULT)|(RULE:\\[(\\d*):([^\\]]*)](\\(([^)]*)\\))?(s/([^/]*)/([^/]*)/(g)?)?))");
    private static final Pattern PARAMETER = Pattern.compile("([^$]*)(\\$(\\d*))?");
    private static final Pattern NON_SIMPLE = Pattern.compile("[/@]");

    private record Rule(boolean isDefault, int components, String format, Pattern match, Pattern from, String to,
            boolean repeat) {}

    private final List<Rule> rules;
    private final String defaultRealm;

    private AuthToLocal(List<Rule> rules, String defaultRealm) {
        this.rules = List.copyOf(rules);
        this.defaultRealm = defaultRealm;
    }

    /**
     * @param rules the rules' text, e.g. {@code "RULE:[2:$1@$0](zookeeper@EXAMPLE\.COM)s/@EXAMPLE\.COM// DEFAULT"}
     * @param defaultRealm the realm of krb5.conf's default_realm, "" when there is none (ZooKeeper's choice)
     * @throws IllegalArgumentException naming the text from the first rule that cannot be parsed
     */
    public static AuthToLocal parse(String rules, String defaultRealm) {
        List<Rule> parsed = new ArrayList<>();
        String remaining = rules.trim();
        while (!remaining.isEmpty()) {
            Matcher matcher = RULE.matcher(remaining);
            if (!matcher.lookingAt()) {
                throw new IllegalArgumentException("Invalid " + PROPERTY + " rule: " + remaining);
            }
            if (matcher.group(2) != null) {
                parsed.add(new Rule(true, 0, null, null, null, null, false));
            } else {
                parsed.add(new Rule(false, Integer.parseInt(matcher.group(4)), matcher.group(5),
                        matcher.group(7) == null ? null : Pattern.compile(matcher.group(7)),
                        matcher.group(9) == null ? null : Pattern.compile(matcher.group(9)), matcher.group(10),
                        "g".equals(matcher.group(11))));
            }
            remaining = remaining.substring(matcher.end()).trim();
        }
        return new AuthToLocal(parsed, defaultRealm);
    }

    /** The short name of {@code name}, or null if no rule gives one (ZooKeeper's NoMatchingRule). */
    public String shortName(KerberosName name) {
        if (name.realm() == null && name.hostName() == null) {
            return name.serviceName();
        }
        String[] parameters = name.hostName() == null ? new String[] {name.realm(), name.serviceName()}
                : new String[] {name.realm(), name.serviceName(), name.hostName()};
        try {
            for (Rule rule : rules) {
                String result = apply(rule, parameters);
                if (result != null) {
                    return NON_SIMPLE.matcher(result).find() ? null : result;
                }
            }
        } catch (BadFormat e) {
            return null;
        }
        return null;
    }

    /** A rule's format names a parameter that does not exist: the search ends, as ZooKeeper's BadFormatString ends it. */
    private static final class BadFormat extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadFormat() {
            super(null, null, false, false);
        }
    }

    private String apply(Rule rule, String[] parameters) {
        if (rule.isDefault()) {
            return defaultRealm.equals(parameters[0]) ? parameters[1] : null;
        }
        if (parameters.length - 1 != rule.components()) {
            return null;
        }
        String base = replaceParameters(rule.format(), parameters);
        if (rule.match() != null && !rule.match().matcher(base).matches()) {
            return null;
        }
        if (rule.from() == null) {
            return base;
        }
        Matcher matcher = rule.from().matcher(base);
        return rule.repeat() ? matcher.replaceAll(rule.to()) : matcher.replaceFirst(rule.to());
    }

    /** The format with each $n replaced by parameter n. */
    private static String replaceParameters(String format, String[] parameters) {
        Matcher match = PARAMETER.matcher(format);
        StringBuilder result = new StringBuilder();
        int start = 0;
        while (start < format.length() && match.find(start)) {
            result.append(match.group(1));
            String number = match.group(3);
            if (number != null) {
                int index;
                try {
                    index = Integer.parseInt(number);
                } catch (NumberFormatException e) {
                    throw new BadFormat();
                }
                if (index < 0 || index >= parameters.length) {
                    throw new BadFormat();
                }
                result.append(parameters[index]);
            }
            start = match.end();
        }
        return result.toString();
    }

    @Override
    public String toString() {
        return rules.size() + " " + PROPERTY + " rules";
    }
}
