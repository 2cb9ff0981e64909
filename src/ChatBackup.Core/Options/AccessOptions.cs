using Microsoft.Extensions.Options;

namespace ChatBackup.Core.Options;

/// <summary>Who may do what (<c>Access:*</c>). Entries are <c>slack:&lt;userId&gt;</c> or <c>teams:&lt;aadObjectId&gt;</c>.</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>Who may run commands; empty means everyone.</summary>
    public string[] Requesters { get; set; } = [];

    /// <summary>Who may approve restores and deletes; empty means nobody.</summary>
    public string[] Approvers { get; set; } = [];

    public bool AllowSelfApproval { get; set; }
}

public sealed class AccessOptionsValidator : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        var failures = new List<string>();
        Check(options.Requesters, "Requesters", failures);
        Check(options.Approvers, "Approvers", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string[] entries, string key, List<string> failures)
    {
        for (var i = 0; i < entries.Length; i++)
        {
            if (!UserKey.IsValid(entries[i]))
            {
                failures.Add($"Access:{key}:{i} '{entries[i]}' must look like slack:<userId> or teams:<aadObjectId>.");
            }
        }
    }
}

/// <summary>The <c>platform:userId</c> form used in access lists.</summary>
public static class UserKey
{
    public static bool IsValid(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1)
        {
            return false;
        }

        var platform = value[..colon];
        var id = value[(colon + 1)..];
        return platform is "slack" or "teams" && !id.Any(char.IsWhiteSpace);
    }
}
