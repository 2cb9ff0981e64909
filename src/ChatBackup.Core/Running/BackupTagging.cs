using System.Globalization;
using System.Text;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Running;

/// <summary>The tags every resource the bot creates carries, and EC2-safe default names.</summary>
public static class BackupTagging
{
    public static IReadOnlyDictionary<string, string> For(Operation operation, string name, string source) =>
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [BackupTags.Name] = Truncate(name, 256),
            [BackupTags.Operation] = operation.Id,
            [BackupTags.Source] = source,
            [BackupTags.RequestedBy] = Truncate(operation.Requester.Key, 256),
            [BackupTags.Channel] = Truncate($"{operation.Conversation.Platform}:{operation.Conversation.ChannelId}", 256),
        };

    public static IReadOnlyDictionary<string, string> ByOperation(string operationId) =>
        new Dictionary<string, string>(StringComparer.Ordinal) { [BackupTags.Operation] = operationId };

    /// <summary>
    /// <c>&lt;base&gt;-&lt;UTC yyyyMMdd-HHmmss&gt;</c>, with characters EC2 does not allow in AMI names
    /// replaced by '-' and the base shortened so the whole stays within 128 characters.
    /// </summary>
    public static string DefaultName(string baseName, DateTimeOffset now)
    {
        var suffix = "-" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var clean = new StringBuilder(baseName.Length);
        foreach (var c in baseName)
        {
            clean.Append(IsAllowedInAmiName(c) ? c : '-');
        }

        return Truncate(clean.ToString(), 128 - suffix.Length) + suffix;
    }

    public static bool IsAllowedInAmiName(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '(' or ')' or '[' or ']' or ' ' or '.' or '/' or '-' or '\'' or '@' or '_';

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
