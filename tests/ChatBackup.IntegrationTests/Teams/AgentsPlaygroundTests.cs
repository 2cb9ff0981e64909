using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Amazon.EC2.Model;
using ChatBackup.Core.Cards;
using ChatBackup.IntegrationTests.Host;
using ChatBackup.Testing.Moto;

namespace ChatBackup.IntegrationTests.Teams;

/// <summary>
/// The whole Teams path with nothing faked on our side: moto plays EC2, the bot runs as its own
/// process in anonymous Teams mode, and the real Microsoft 365 Agents Playground plays Teams and
/// its Bot Connector. The test types and clicks through the playground's own API, exactly as its
/// web UI does, and asserts on what the playground shows (its conversation stream).
/// </summary>
[Collection(MotoFixture.Collection)]
public sealed class AgentsPlaygroundTests(MotoFixture moto) : IAsyncLifetime
{
    private const string Region = "us-east-1";
    private const string Zone = "us-east-1a";
    private static readonly TimeSpan BotStartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(15);

    private ChildProcess? _bot;
    private AgentsPlayground? _playground;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_playground is not null)
        {
            await _playground.DisposeAsync();
        }

        _bot?.Dispose();
    }

    [Fact]
    public async Task Playground_AmiCardUpdatesInPlace_AndASecondUserApprovesARestoreWithActionExecute()
    {
        var stopwatch = Stopwatch.StartNew();
        using var ec2 = moto.CreateClient(Region);
        var name = $"pg-{Guid.NewGuid():N}"[..16];
        var instance = await MotoSeed.RunInstanceAsync(ec2, name, Zone);
        var source = await MotoSeed.CreateVolumeAsync(ec2, Zone, 8);
        var snapshot = (await ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = source, Description = "playground" })).Snapshot.SnapshotId;

        // The playground's fake tenant: Alex Wilber is the UI's user, Megan Bowen another member of
        // its group chat. Megan is the only approver and self-approval stays off.
        const string Megan = "00000000-0000-0000-0000-0000000000021";
        var botPort = ChildProcess.FreePort();
        _bot = ChildProcess.Start(HostFolder(), new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{botPort}",
            ["Teams__AllowAnonymous"] = "true",
            ["Aws__DefaultRegion"] = Region,
            ["AWS_ENDPOINT_URL_EC2"] = moto.Endpoint,
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_REGION"] = Region,
            ["Backup__PollInterval"] = "00:00:00.200",
            ["Access__Approvers__0"] = $"teams:{Megan}",
            ["Access__AllowSelfApproval"] = "false",
        }, HostDll());
        await WaitUntilReadyAsync(_bot, botPort);

        _playground = await AgentsPlayground.StartAsync(new Uri($"http://127.0.0.1:{botPort}/api/messages"));
        var pg = _playground;
        var alex = pg.CurrentUser;
        var megan = pg.User("Megan Bowen");
        Assert.Equal(Megan, megan["aadObjectId"]!.ToString());
        var chat = pg.Config["groupChats"]![0]!["id"]!.ToString();
        Func<JsonObject, bool> fromBot = m => m["from"]?["id"]?.ToString() == pg.BotId;

        // 1. Alex: "@Test Bot ami <id> --no-reboot". The progress card arrives, then is updated in place.
        await pg.SendAsync(chat, alex["id"]!.ToString(), $"ami {instance} --no-reboot", mentionBot: true);
        var progress = await pg.WaitForPushAsync("the AMI progress card", (action, m) => action == "createMessage" && fromBot(m) && AgentsPlayground.Visible(m).StartsWith($"AMI of {name} ({instance})", StringComparison.Ordinal), StepTimeout);
        var progressId = progress["messageId"]!.ToString();
        var available = await pg.WaitForMessageAsync("the AMI card updated to 'is available'", m => m["messageId"]!.ToString() == progressId && AgentsPlayground.Visible(m).Contains("is available", StringComparison.Ordinal), StepTimeout);
        Assert.Matches(@"AMI ami-[0-9a-f]+ is available", AgentsPlayground.Visible(available));
        Assert.Contains($"updateMessage {progressId}", pg.Events, StringComparison.Ordinal);
        await pg.WaitForMessageAsync("the 'AMI available' reply", m => fromBot(m) && m["messageId"]!.ToString() != progressId && AgentsPlayground.Visible(m).Contains("AMI available", StringComparison.Ordinal), StepTimeout);

        // 2. Alex: "@Test Bot restore <snap> --instance <id>". An approval card with Action.Execute buttons arrives.
        await pg.SendAsync(chat, alex["id"]!.ToString(), $"restore {snapshot} --instance {instance}", mentionBot: true);
        var approval = await pg.WaitForPushAsync("the approval card", (action, m) => action == "createMessage" && fromBot(m) && AgentsPlayground.Visible(m).StartsWith($"Approval needed: Restore of {snapshot}", StringComparison.Ordinal), StepTimeout);
        var approvalId = approval["messageId"]!.ToString();
        var approve = AgentsPlayground.FindExecute(approval, CardActions.Approve);
        Assert.True(approve is not null, $"no Action.Execute '{CardActions.Approve}' on the approval card:\n{approval.ToJsonString()}");
        Assert.StartsWith("op-", approve["data"]?["operationId"]?.ToString(), StringComparison.Ordinal);

        // 3. Alex clicks Approve on his own request: refused, only to him, and the card stays as it is.
        var refused = await pg.ExecuteAsync(chat, alex["id"]!.ToString(), approvalId, approve);
        Assert.Equal("application/vnd.microsoft.activity.message", refused["type"]?.ToString());
        Assert.Contains("Approval needed", AgentsPlayground.Visible(pg.Messages.Single(m => m["messageId"]!.ToString() == approvalId)), StringComparison.Ordinal);

        // 4. Megan clicks Approve: the invoke answers with the replacement card, and the bot keeps
        // updating that same message until the volume is attached.
        var approved = await pg.ExecuteAsync(chat, megan["id"]!.ToString(), approvalId, approve);
        Assert.Equal("application/vnd.microsoft.card.adaptive", approved["type"]?.ToString());
        Assert.Contains("Approved by Megan Bowen", approved["value"]!.ToJsonString(), StringComparison.Ordinal);
        var attached = await pg.WaitForMessageAsync("the approval card updated to 'Volume … is attached'", m => m["messageId"]!.ToString() == approvalId && AgentsPlayground.Visible(m).Contains("is attached", StringComparison.Ordinal), StepTimeout);
        var shown = AgentsPlayground.Visible(attached);
        Assert.Matches($@"Volume vol-[0-9a-f]+ is attached to {name} as /dev/sdf", shown);
        Assert.Contains("Approved by Megan Bowen", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("Approval needed", shown, StringComparison.Ordinal);

        // And EC2 agrees.
        var volumes = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [new Filter("snapshot-id", [snapshot])] });
        Assert.Contains(volumes.Volumes, v => v.Attachments.Any(a => a.InstanceId == instance && a.Device == "/dev/sdf"));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"the playground flow took {stopwatch.Elapsed}");
    }

    /// <summary>The host's own build output, of the configuration these tests were built in.</summary>
    private static string HostFolder()
    {
        var tfmFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfmFolder.Parent!.Name;
        var folder = Path.Combine(PublishedHostFixture.RepoRoot(), "src", "ChatBackup.Host", "bin", configuration, tfmFolder.Name);
        Assert.True(File.Exists(Path.Combine(folder, "ChatBackup.Host.dll")), $"ChatBackup.Host.dll is not in {folder}: build the solution first (dotnet build).");
        return folder;
    }

    private static string HostDll() => Path.Combine(HostFolder(), "ChatBackup.Host.dll");

    private static async Task WaitUntilReadyAsync(ChildProcess bot, int port)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(bot.Process.HasExited, $"the bot exited ({(bot.Process.HasExited ? bot.Process.ExitCode : 0)}) before answering:\n{bot.Output}");
            try
            {
                if ((await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(deadline.Elapsed < BotStartTimeout, $"the bot did not answer /health/ready within {BotStartTimeout.TotalSeconds:0} s:\n{bot.Output}");
            await Task.Delay(200);
        }
    }
}
