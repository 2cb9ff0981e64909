using ChatBackup.Aws.Ec2;
using ChatBackup.Core;
using ChatBackup.Host.Hosting;
using ChatBackup.Jobs;
using ChatBackup.Slack;
using ChatBackup.Storage;
using ChatBackup.Teams;

// --health-probe (the container's HEALTHCHECK) and --hash-dashboard-password run and exit here.
if (await HostVerbs.RunAsync(args) is { } exitCode)
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,

    // appsettings.json sits beside the binary, whether run from source or from a publish folder.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.UsePortVariable();

builder.Services
    .AddChatBackupOptions()
    .AddStorage(builder.Configuration)
    .AddBackups()
    .AddAws()
    .AddSlack()
    .AddTeams()
    .AddJobs(builder.Configuration)
    .AddChatBackupHealth()
    .AddChatBackupTelemetry(builder.Configuration);

var app = builder.Build();
app.CheckConfiguration();
app.WarnAboutCrashPoint();

app.MapChatBackupHealth();
app.MapSlackEndpoints();
app.MapTeamsEndpoints();
app.MapJobsDashboard();
app.WarnAboutInMemoryStorage();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
