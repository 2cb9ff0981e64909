using System.ComponentModel.DataAnnotations;

namespace ChatBackup.Core.Options;

/// <summary>Approval requests (<c>Approvals:*</c>).</summary>
public sealed class ApprovalOptions
{
    public const string Section = "Approvals";

    /// <summary>How long a request waits for a decision before it expires.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Approvals:Timeout must be between 1 second and 7 days.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(1);
}
