namespace ChatBackup.Host.Hosting;

/// <summary>Command-line verbs that do one thing and exit, without building the web app.</summary>
public static class HostVerbs
{
    /// <summary>The verb's exit code, or null when the arguments name no verb and the host should start.</summary>
    public static async Task<int?> RunAsync(string[] args)
    {
        if (args.Contains(HealthProbe.Verb))
        {
            return await HealthProbe.RunAsync(args);
        }

        if (args.Contains(DashboardPasswordVerb.Verb))
        {
            return DashboardPasswordVerb.Run();
        }

        return null;
    }
}
