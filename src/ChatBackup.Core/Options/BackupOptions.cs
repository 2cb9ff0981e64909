using System.ComponentModel.DataAnnotations;

namespace ChatBackup.Core.Options;

/// <summary>How the jobs wait for EC2 (<c>Backup:*</c>).</summary>
public sealed class BackupOptions : IValidatableObject
{
    public const string Section = "Backup";

    /// <summary>How often pending resources are checked.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "Backup:PollInterval must be between 50 ms and 1 hour.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The longest gap between two looks at a resource that has been pending for long (a copy
    /// that takes hours is looked at less often than a snapshot started a minute ago).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "Backup:MaxPollInterval must be between 50 ms and 1 hour.")]
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest wait before an operation is reported failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Backup:WaitCeiling must be between 1 second and 7 days.")]
    public TimeSpan WaitCeiling { get; set; } = TimeSpan.FromHours(6);

    /// <summary>A progress card is updated at most this often (state changes are always shown).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Backup:CardUpdateInterval must be between 0 and 10 minutes.")]
    public TimeSpan CardUpdateInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Budget for the read-only EC2 look-ups done while answering a command (name resolution).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:02.500", ErrorMessage = "Backup:LookupTimeout must be between 100 ms and 2.5 s.")]
    public TimeSpan LookupTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxPollInterval < PollInterval)
        {
            yield return new ValidationResult("Backup:MaxPollInterval must not be shorter than Backup:PollInterval.", [nameof(MaxPollInterval)]);
        }
    }
}
