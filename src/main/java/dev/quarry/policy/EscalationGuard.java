package dev.quarry.policy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.EscalationChecks;
import dev.quarry.identity.Groups;
import dev.quarry.identity.Principal;
import dev.quarry.identity.Roles;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses to let a caller hand out administrative power it does not hold itself — "a principal
 * cannot grant more than it has". Every way power changes hands is weighed the same way: the
 * snapshot as it would be after the change is compared with the snapshot now, for every principal
 * the change touches, and every admin action one of them would gain (an Allow it did not have, a
 * Deny or boundary lifted — {@link Standing#gainedOver}) must be held by the caller.
 *
 * <p>The caller holds an action only on everything: allowed it on {@code *} under the conditions of
 * the call, and denied it on no narrower resource, under any condition. A caller held back from
 * anything (a Deny on {@code principal/admin}, say) could otherwise grant the unrestricted action to
 * a principal of its own and act through that — unless that principal is held back by the same
 * Deny.
 *
 * <p>What a principal may do includes the roles it can come to act as (trust by name or group,
 * through chains of roles): a change that makes a role reachable grants all that role may do.
 */
public final class EscalationGuard implements EscalationChecks {
    private final PolicyDirectory directory;

    public EscalationGuard(PolicyDirectory directory) {
        this.directory = directory;
    }

    /**
     * Writing {@code policy}: what it allows, to anyone it may come to be attached to, and what
     * rewriting it frees for the principals it already governs (a Deny narrowed or dropped).
     *
     * @param context the caller's condition keys, as its own requests are decided with
     * @throws QuarryException 403 naming the first admin action the caller lacks
     */
    public void checkPut(Principal caller, Policy policy, Map<String, List<String>> context) {
        check(caller, policy, context);
        PolicySnapshot now = directory.snapshot();
        require(caller, "rewriting policy '" + policy.name() + "'", now, now.withPolicy(policy.name(), policy),
                now.governedBy(policy.name()), context);
    }

    /** Attaching {@code policy}: whatever it allows must be the caller's. */
    public void check(Principal caller, Policy policy, Map<String, List<String>> context) {
        weigh(caller, "policy '" + policy.name() + "'", Standing.NONE, new Standing(List.of(policy), Optional.empty(), null),
                directory.snapshot(), context);
    }

    /** Detaching {@code policy} from {@code target}: its Denies stop holding back those it governed. */
    public void checkDetach(Principal caller, String policy, PolicyTarget target, Map<String, List<String>> context) {
        PolicySnapshot now = directory.snapshot();
        require(caller, "detaching '" + policy + "' from " + target, now, now.withAttachment(policy, target, false), affected(now, target), context);
    }

    /** Adding {@code principal} to {@code group}: it gains the group's policies, within its boundary, and the roles trusting the group. */
    @Override
    public void checkJoin(Principal caller, String group, String principal, Map<String, List<String>> context) {
        PolicySnapshot now = directory.snapshot();
        require(caller, "group '" + group + "'", now, now.withMembership(group, principal, true), List.of(principal), context);
    }

    /** Taking {@code principal} out of {@code group}: what the group denied it is lifted. */
    @Override
    public void checkLeave(Principal caller, String group, String principal, Map<String, List<String>> context) {
        PolicySnapshot now = directory.snapshot();
        require(caller, "taking '" + principal + "' out of group '" + group + "'", now, now.withMembership(group, principal, false),
                List.of(principal), context);
    }

    /** Deleting {@code group}: every member leaves it. */
    @Override
    public void checkDeleteGroup(Principal caller, String group, Map<String, List<String>> context) {
        PolicySnapshot now = directory.snapshot();
        PolicySnapshot after = now;
        for (String member : now.membersOf(group)) after = after.withMembership(group, member, false);
        require(caller, "deleting group '" + group + "'", now, after, now.membersOf(group), context);
    }

    /** Setting {@code principal}'s boundary to {@code boundary} ({@code null}: removing it): its own policies then reach that far. */
    public void checkBoundary(Principal caller, String principal, String boundary, Map<String, List<String>> context) {
        PolicySnapshot now = directory.snapshot();
        require(caller, "'" + principal + "'" + (boundary == null ? " without a boundary" : " within boundary '" + boundary + "'"),
                now, now.withBoundary(principal, boundary), List.of(principal), context);
    }

    /** Giving {@code principal} these tags: policies conditioned on tags are weighed with them. */
    @Override
    public void checkTags(Principal caller, String principal, Map<String, String> after, Map<String, List<String>> context) {
        PolicySnapshot now = directory.snapshot();
        require(caller, "'" + principal + "' tagged " + after, now, now.withTags(principal, after), List.of(principal), context);
    }

    /** Creating role {@code role} with this trust: whoever it trusts can act as the role (and as the roles that trust it). */
    @Override
    public void checkTrust(Principal caller, String role, List<String> trusted, Map<String, List<String>> context) {
        PolicySnapshot now = directory.snapshot();
        Set<String> affected = new LinkedHashSet<>();
        for (String entry : trusted) {
            if (entry.startsWith(Roles.GROUP_PREFIX)) affected.addAll(now.membersOf(entry.substring(Roles.GROUP_PREFIX.length())));
            else affected.add(entry);
        }
        require(caller, "role '" + role + "' trusting " + trusted, now, now.withTrust(role, trusted), affected, context);
    }

    /**
     * Minting a key for {@code principal}: whoever holds it may do all that principal may, and act
     * as every role it can reach. A name no one has yet becomes a user, in the built-in group
     * {@value Groups#USERS}.
     */
    @Override
    public void checkKeyFor(Principal caller, String principal, Map<String, List<String>> context) {
        PolicySnapshot now = directory.snapshot();
        PolicySnapshot after = now.principalNames().containsValue(principal) ? now : now.withMembership(Groups.USERS, principal, true);
        String what = "a key of '" + principal + "'";
        weigh(caller, what, Standing.NONE, Standing.of(after, principal), now, context);
        for (String role : after.reachableRoles(principal)) {
            weigh(caller, what + " (as role '" + role + "')", Standing.NONE, Standing.of(after, role), now, context);
        }
    }

    /** Those a policy attached to {@code target} governs: the principal, or the group's members. */
    private static List<String> affected(PolicySnapshot snapshot, PolicyTarget target) {
        return target.type() == PolicyTarget.Type.PRINCIPAL ? List.of(target.name()) : snapshot.membersOf(target.name());
    }

    /** For each principal the change touches: what it gains, and what the roles it newly reaches may do. */
    private void require(Principal caller, String what, PolicySnapshot before, PolicySnapshot after, Collection<String> affected,
                         Map<String, List<String>> context) {
        for (String name : affected) {
            weigh(caller, what, Standing.of(before, name), Standing.of(after, name), before, context);
            Set<String> reached = before.reachableRoles(name);
            for (String role : after.reachableRoles(name)) {
                if (!reached.contains(role)) {
                    weigh(caller, what + " (letting '" + name + "' act as role '" + role + "')", Standing.NONE, Standing.of(after, role), before, context);
                }
            }
        }
    }

    private void weigh(Principal caller, String what, Standing before, Standing after, PolicySnapshot now, Map<String, List<String>> context) {
        Standing mine = now.nameOf(caller.id()).map(name -> Standing.of(now, name)).orElse(Standing.NONE);
        for (String admin : Actions.ADMIN) {
            Optional<String> gained = after.gainedOver(before, admin);
            if (gained.isEmpty()) continue;
            notHeld(mine, admin, after, context).ifPresent(why -> {
                throw QuarryException.of(ErrorKind.PERMISSION_DENIED, "You cannot grant permissions you do not hold: " + what
                        + " would allow " + admin + " (" + gained.get() + "), which you do not hold on every resource: " + why);
            });
        }
    }

    /**
     * Why the caller ({@code mine}) does not hold {@code action} on everything, or empty when it does: allowed it
     * on {@code *} under the conditions of this very call, and denied it on no narrower resource
     * under any condition. A Deny on everything under other conditions than the call's (a caller
     * kept to the office network, calling from it) holds the caller back only where it could not
     * act anyway, so it leaves the caller free to grant, and to lift that very Deny. A Deny the
     * grantee carries too is no reason to refuse: it holds the grantee back as it holds the caller.
     */
    private Optional<String> notHeld(Standing mine, String action, Standing grantee, Map<String, List<String>> context) {
        Set<Statement> shared = new HashSet<>();
        for (Standing.Sourced deny : grantee.denying(action)) {
            if (deny.statement().conditions().stream().noneMatch(EscalationGuard::aboutWhoAsks)) shared.add(deny.statement());
        }
        AccessRequest everything = new AccessRequest(action, "*", context);
        Decision decision = mine.decideWithout(shared, everything);
        if (!decision.allowed()) return Optional.of(decision.explain(everything));
        return mine.denying(action).stream()
                .filter(deny -> !shared.contains(deny.statement()) && !deny.statement().resources().stream().allMatch("*"::equals))
                .findFirst()
                .map(deny -> "you are denied it on " + String.join(", ", deny.statement().resources()) + " by " + deny.label() + ".");
    }

    /**
     * Whether a condition tests who asks rather than how: a Deny so conditioned that holds the caller
     * back may not hold back the grantee.
     */
    private static boolean aboutWhoAsks(Condition condition) {
        return ConditionKey.of(condition.key())
                .filter(key -> key == ConditionKey.PRINCIPAL_NAME || key == ConditionKey.PRINCIPAL_TYPE || key == ConditionKey.PRINCIPAL_TAG)
                .isPresent();
    }
}
