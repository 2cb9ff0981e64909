namespace ChatBackup.Core.Intents;

/// <summary>EBS volume types accepted by <c>restore --type</c>; names as EC2 spells them.</summary>
public enum VolumeType
{
    Gp3,
    Gp2,
    Io1,
    Io2,
    St1,
    Sc1,
    Standard,
}

public static class VolumeTypes
{
    public static string ToEc2Name(this VolumeType type) => type.ToString().ToLowerInvariant();

    /// <summary>Parses the lowercase EC2 name (<c>gp3</c>, <c>io2</c>, …) and nothing else.</summary>
    public static bool TryParse(string value, out VolumeType type)
    {
        foreach (var candidate in Enum.GetValues<VolumeType>())
        {
            if (candidate.ToEc2Name() == value)
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }
}
