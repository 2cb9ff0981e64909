namespace ChatBackup.Core.Ec2;

/// <summary>A one-sentence "what to do" for an EC2 error code, shown under the code on a failure card.</summary>
public static class Ec2ErrorAdvice
{
    private static readonly Dictionary<string, string> Advice = new(StringComparer.Ordinal)
    {
        ["InvalidInstanceID.NotFound"] = "Check the instance id and region; an instance launched seconds ago may not be visible yet, so try again shortly.",
        ["InvalidInstanceID.Malformed"] = "Instance ids look like i- followed by 8 or 17 hexadecimal characters.",
        ["IncorrectInstanceState"] = "The instance is not in a state that allows this (for example it is stopping or terminated); wait until it is running or stopped and try again.",
        ["InvalidAMIName.Duplicate"] = "An AMI with that name already exists in this region; choose another name with --name.",
        ["InvalidAMIName.Malformed"] = "AMI names are 3–128 characters of letters, digits and ( ) [ ] space . / - ' @ _.",
        ["InvalidAMIID.NotFound"] = "Check the AMI id and region; the AMI may have been deregistered.",
        ["InvalidAMIID.Malformed"] = "AMI ids look like ami- followed by 8 or 17 hexadecimal characters.",
        ["InvalidAMIID.Unavailable"] = "The AMI is being deregistered or is not available; pick another AMI.",
        ["InvalidVolume.NotFound"] = "Check the volume id and region; the volume may have been deleted.",
        ["InvalidVolumeID.Malformed"] = "Volume ids look like vol- followed by 8 or 17 hexadecimal characters.",
        ["InvalidVolume.ZoneMismatch"] = "The volume and the instance must be in the same Availability Zone.",
        ["InvalidSnapshot.NotFound"] = "Check the snapshot id and region; the snapshot may have been deleted.",
        ["InvalidSnapshotID.Malformed"] = "Snapshot ids look like snap- followed by 8 or 17 hexadecimal characters.",
        ["InvalidSnapshot.InUse"] = "An AMI still uses this snapshot; delete the AMI first (delete ami <ami-id>), which can remove its snapshots too.",
        ["IncorrectState"] = "The resource is busy or in the wrong state for this (for example a volume that is not available); wait for it to settle and try again.",
        ["ConcurrentSnapshotLimitExceeded"] = "Too many snapshots of this volume are in progress; wait for one to complete and try again.",
        ["SnapshotCreationPerVolumeRateExceeded"] = "Snapshots of one volume may be taken only every few seconds; try again shortly.",
        ["ResourceLimitExceeded"] = "An account limit was reached in this region; clean up old AMIs or snapshots, or ask for a quota increase.",
        ["AttachmentLimitExceeded"] = "The instance has no room for another volume; detach one first or choose another instance.",
        ["VolumeLimitExceeded"] = "The account's EBS storage limit in this region is reached; delete unused volumes or ask for a quota increase.",
        ["IdempotentParameterMismatch"] = "A retried request differed from the first one; start a new operation instead of retrying this one.",
        ["UnauthorizedOperation"] = "The bot's IAM role may not do this; ask an operator to grant the action named in the error.",
        ["AuthFailure"] = "The bot's AWS credentials were rejected; ask an operator to check them.",
        ["OptInRequired"] = "This region or service is not enabled for the account; ask an operator to opt in or use another region.",
        ["Blocked"] = "The AWS account is blocked; ask an operator to contact AWS Support.",
        ["RequestLimitExceeded"] = "EC2 is throttling the account; the bot retries on its own, so wait a minute before trying again.",
        ["Throttling"] = "EC2 is throttling the account; the bot retries on its own, so wait a minute before trying again.",
        ["InvalidParameterValue"] = "EC2 rejected one of the values; check the command's options against the usage line.",
        ["InvalidParameterCombination"] = "These options cannot be used together; check the command's options against the usage line.",
        ["InternalError"] = "EC2 had an internal error; try again in a few minutes.",
        ["Unavailable"] = "EC2 is temporarily unavailable; try again in a few minutes.",
    };

    public const string Generic = "Check the ids, region and options, then try again; if it keeps failing, ask an operator with the error code above.";

    public static string For(string? code) =>
        code is not null && Advice.TryGetValue(code, out var advice) ? advice : Generic;
}
