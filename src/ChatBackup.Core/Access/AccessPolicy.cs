using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;

namespace ChatBackup.Core.Access;

/// <summary>Answers "may this person do this?" from <see cref="AccessOptions"/>.</summary>
public sealed class AccessPolicy(AccessOptions options)
{
    private readonly HashSet<string> _requesters = new(options.Requesters, StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _approvers = new(options.Approvers, StringComparer.OrdinalIgnoreCase);

    public bool MayRequest(Requester user) => _requesters.Count == 0 || _requesters.Contains(user.Key);

    public bool IsApprover(Requester user) => _approvers.Contains(user.Key);

    /// <summary>Whether anyone at all could decide on a request of <paramref name="requester"/>.</summary>
    public bool HasApproverOtherThan(Requester requester) =>
        _approvers.Count > (options.AllowSelfApproval || !IsApprover(requester) ? 0 : 1);

    /// <summary>An approver who is not the requester (unless self-approval is allowed).</summary>
    public bool MayDecide(Requester user, Requester requester) =>
        IsApprover(user) && (options.AllowSelfApproval || !string.Equals(user.Key, requester.Key, StringComparison.OrdinalIgnoreCase));
}
