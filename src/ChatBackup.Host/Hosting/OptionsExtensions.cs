using ChatBackup.Aws.Ec2;
using ChatBackup.Core.Commands;
using ChatBackup.Core.Intents.Parsing;
using ChatBackup.Core.Options;
using Microsoft.Extensions.Options;

namespace ChatBackup.Host.Hosting;

public static class OptionsExtensions
{
    /// <summary>
    /// Binds and validates the core's options at start-up (a bad value stops the process and the
    /// message names the key), and derives the parser's and the default region's settings.
    /// </summary>
    public static IServiceCollection AddChatBackupOptions(this IServiceCollection services)
    {
        services.AddOptions<BackupOptions>().BindConfiguration(BackupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section).ValidateOnStart();
        services.AddOptions<ApprovalOptions>().BindConfiguration(ApprovalOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new ParserSettings(
            sp.GetRequiredService<IOptions<AwsOptions>>().Value.AllowedRegions.ToHashSet(StringComparer.Ordinal)));
        services.AddSingleton<CommandParser>();
        services.AddSingleton(sp => new RegionSettings(sp.GetRequiredService<RegionDefaults>().RequireDefaultRegion()));
        return services;
    }

    /// <summary>Resolves at start-up what options validation cannot see, so a gap stops the process before the first request.</summary>
    public static WebApplication CheckConfiguration(this WebApplication app)
    {
        app.Services.GetRequiredService<RegionSettings>();
        return app;
    }
}
