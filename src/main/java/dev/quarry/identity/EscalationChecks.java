package dev.quarry.identity;

import java.util.List;
import java.util.Map;

/**
 * The checks an identity change passes so that no admin grants, through it, more than it may do
 * itself. Policy implements them ({@code policy.EscalationGuard}); identity names them here so as
 * not to depend on policy, which depends on identity. Each throws a 403 naming the first admin
 * action the caller lacks.
 *
 * @see IdentityAdmin
 */
public interface EscalationChecks {
    /** Adding {@code principal} to {@code group}. */
    void checkJoin(Principal caller, String group, String principal, Map<String, List<String>> context);

    /** Taking {@code principal} out of {@code group}. */
    void checkLeave(Principal caller, String group, String principal, Map<String, List<String>> context);

    /** Deleting {@code group}. */
    void checkDeleteGroup(Principal caller, String group, Map<String, List<String>> context);

    /** Giving {@code principal} these tags. */
    void checkTags(Principal caller, String principal, Map<String, String> after, Map<String, List<String>> context);

    /** Creating role {@code role} with this trust. */
    void checkTrust(Principal caller, String role, List<String> trusted, Map<String, List<String>> context);

    /** Issuing a key of {@code principal}'s. */
    void checkKeyFor(Principal caller, String principal, Map<String, List<String>> context);
}
