using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.EC2;
using Amazon.EC2.Model;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Chat;
using BackupTags = ChatBackup.Core.Ec2.BackupTags;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Running;
using ChatBackup.IntegrationTests.Host;
using ChatBackup.IntegrationTests.Infrastructure;
using ChatBackup.Storage;
using ChatBackup.Testing.Moto;
using ChatBackup.Testing.Postgres;
using ChatBackup.Testing.Slack;
using Npgsql;
using Xunit.Abstractions;

namespace ChatBackup.IntegrationTests.Storage;

/// <summary>Tests that need moto and PostgreSQL together; xunit gives each collection its own instances.</summary>
[CollectionDefinition(Name)]
public sealed class MotoPostgresCollection : ICollectionFixture<MotoFixture>, ICollectionFixture<PostgresFixture>
{
    public const string Name = "moto+postgres";
}

/// <summary>
/// Restart safety: the real host runs as a child process on PostgreSQL and moto, is SIGKILLed at a
/// chosen point (<see cref="CrashPoints"/>, or from here while it waits), and a new process on the
/// same database finishes the work. Each test then counts what AWS and Slack got for the
/// operation: exactly one resource, one card, one notification where there is one, none lost.
/// </summary>
[Collection(MotoPostgresCollection.Name)]
public sealed class CrashRestartTests(MotoFixture moto, PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Region = "us-east-1";
    private const string Zone = "us-east-1a";
    private const string Bob = "U0BOB";

    /// <summary>Killed steps come back after this (Jobs:InvisibilityTimeout); counting waits past it so a late duplicate is seen.</summary>
    private static readonly TimeSpan Invisibility = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private readonly string _signingSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private readonly List<BotProcess> _bots = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private RecordingSlackServer _slack = null!;
    private NpgsqlDataSource _db = null!;
    private PostgresOperationStore _store = null!;
    private IAmazonEC2 _ec2 = null!;
    private string _connectionString = null!;
    private int _restarts;
    private int _operations;

    private SlackRequestSigner Signer => new(_signingSecret);

    public async Task InitializeAsync()
    {
        _slack = await RecordingSlackServer.StartAsync(TimeProvider.System);
        _connectionString = await postgres.CreateDatabaseAsync();
        _db = NpgsqlDataSource.Create(_connectionString);
        _store = new PostgresOperationStore(_db, TimeProvider.System);
        _ec2 = moto.CreateClient(Region);
    }

    public async Task DisposeAsync()
    {
        foreach (var bot in _bots)
        {
            bot.Dispose();
        }

        _ec2.Dispose();
        await _db.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Theory]
    [InlineData(CrashPoints.CardPosted)]
    [InlineData(CrashPoints.StepSaved)]
    [InlineData(CrashPoints.OperationFinished)]
    [InlineData(CrashPoints.NotificationPosted)]
    public async Task Ami_KilledAtACrashPoint_FinishesOnce_AfterRestart(string point)
    {
        var port = ChildProcess.FreePort();
        var instance = await MotoSeed.RunInstanceAsync(_ec2, Unique("crash"), Zone);
        var first = await StartBotAsync(port, point);

        var id = await CommandAsync(first, $"ami {instance} --no-reboot");
        await first.WaitForCrashAsync(point, StepTimeout);
        var crashedAt = _clock.Elapsed;

        await StartBotAsync(port);
        var op = await WaitForAsync(id, o => o.State.IsFinal() && !ChatWorks.IsDue(o));
        await SettleAsync(crashedAt);

        var images = await _ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"], Filters = [TagFilter(id)] });

        // A kill between Slack accepting a message and its ts being saved leaves the sender's lease
        // behind; the next process finds the marked message (conversations.history/replies) instead
        // of posting it again, so every point is exactly once.
        Report(point, resources: images.Images?.Count ?? 0, expectedNotifications: 1, op, "is available");
    }

    [Theory]
    [InlineData(CrashPoints.VolumeCreated)]
    [InlineData(CrashPoints.VolumeAttachRequested)]
    public async Task Restore_KilledAtACrashPoint_FinishesOnce_AfterRestart(string point)
    {
        var port = ChildProcess.FreePort();
        var snapshot = await SeedSnapshotAsync();
        var name = Unique("restore");
        await MotoSeed.RunInstanceAsync(_ec2, name, Zone);
        var first = await StartBotAsync(port, point);

        var id = await CommandAsync(first, $"restore {snapshot} --instance {name}");
        await WaitForAsync(id, o => o is { State: OperationState.AwaitingApproval, CardMessageId: not null });
        await ClickAsync(first, id, CardActions.Approve);
        await first.WaitForCrashAsync(point, StepTimeout);
        var crashedAt = _clock.Elapsed;

        await StartBotAsync(port);
        var op = await WaitForAsync(id, o => o.State.IsFinal() && !ChatWorks.IsDue(o));
        await SettleAsync(crashedAt);

        Report(point, await VolumesAsync(id), expectedNotifications: 0, op, "is attached");
    }

    [Fact]
    public async Task Restore_KilledWhileAwaitingApproval_IsApprovedOnTheNextProcess_AndFinishesOnce()
    {
        var port = ChildProcess.FreePort();
        var snapshot = await SeedSnapshotAsync();
        var name = Unique("await");
        await MotoSeed.RunInstanceAsync(_ec2, name, Zone);
        var first = await StartBotAsync(port);

        var id = await CommandAsync(first, $"restore {snapshot} --instance {name}");
        await WaitForAsync(id, o => o is { State: OperationState.AwaitingApproval, CardMessageId: not null });
        first.Kill();
        var crashedAt = _clock.Elapsed;

        var second = await StartBotAsync(port);
        await ClickAsync(second, id, CardActions.Approve);
        var op = await WaitForAsync(id, o => o.State.IsFinal() && !ChatWorks.IsDue(o));
        await SettleAsync(crashedAt);

        Report("awaiting-approval", await VolumesAsync(id), expectedNotifications: 0, op, "is attached");
    }

    [Fact]
    public async Task TwoReplicas_ConcurrentApprovalClicksToBoth_OneDecision_OneVolume()
    {
        var snapshot = await SeedSnapshotAsync();
        var name = Unique("replica");
        await MotoSeed.RunInstanceAsync(_ec2, name, Zone);
        var a = await StartBotAsync(ChildProcess.FreePort());
        var b = await StartBotAsync(ChildProcess.FreePort());

        var id = await CommandAsync(a, $"restore {snapshot} --instance {name}");
        await WaitForAsync(id, o => o is { State: OperationState.AwaitingApproval, CardMessageId: not null });
        var clicks = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => ClickAsync(i % 2 == 0 ? a : b, id, CardActions.Approve, $"1700000001.{i:D6}")));
        var op = await WaitForAsync(id, o => o.State.IsFinal() && !ChatWorks.IsDue(o));
        await SettleAsync(_clock.Elapsed);

        Assert.All(clicks, status => Assert.Equal(System.Net.HttpStatusCode.OK, status));
        Assert.Equal(Bob, op.Approval?.DecidedBy.UserId);
        var decisions = Lines(a.Output + b.Output).Count(l => l.Contains($"Operation {id} approved by", StringComparison.Ordinal));
        Assert.True(decisions == 1, $"{decisions} approval decisions were logged for {id}:\n{a.Output}\n{b.Output}");
        Report("two-replicas", await VolumesAsync(id), expectedNotifications: 0, op, "is attached");
    }

    private async Task<BotProcess> StartBotAsync(int port, string? crashAt = null)
    {
        if (_bots.Count > 0 && crashAt is null && _bots[^1].Process.HasExited)
        {
            _restarts++;
        }

        var environment = new Dictionary<string, string>
        {
            [$"ConnectionStrings__{StorageConfiguration.ConnectionStringName}"] = _connectionString,
            ["AWS_ENDPOINT_URL_EC2"] = moto.Endpoint,
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_REGION"] = Region,
            ["Aws__DefaultRegion"] = Region,
            ["Slack__SigningSecret"] = _signingSecret,
            ["Slack__BotToken"] = "xoxb-crash-tests",
            ["Slack__ApiBaseUrl"] = _slack.ApiBaseUrl,
            ["Backup__PollInterval"] = "00:00:00.300",
            ["Backup__MaxPollInterval"] = "00:00:01",
            ["Backup__CardUpdateInterval"] = "00:00:00",
            ["Jobs__InvisibilityTimeout"] = Invisibility.ToString(),
            ["Access__Approvers__0"] = "slack:" + Bob,
            ["Logging__LogLevel__ChatBackup"] = "Information",
        };
        if (crashAt is not null)
        {
            environment[CrashPoints.Variable] = crashAt;
        }

        var bot = await BotProcess.StartAsync(port, environment);
        _bots.Add(bot);
        if (crashAt is not null)
        {
            Assert.Contains($"{CrashPoints.Variable}={crashAt} is set", bot.Output, StringComparison.Ordinal);
        }

        return bot;
    }

    private async Task<string> CommandAsync(BotProcess bot, string text)
    {
        var response = await bot.Http.SendAsync(Signer.Command(new SlackCommandFields(text) { TriggerId = Guid.NewGuid().ToString("N") }));
        Assert.True(response.IsSuccessStatusCode, $"/slack/commands answered {response.StatusCode}");
        var deadline = _clock.Elapsed + StepTimeout;
        while (true)
        {
            var ops = await _store.ListRecentAsync("slack", "C0123OPS", 10, CancellationToken.None);
            if (ops.Count > 0)
            {
                _operations++;
                return Assert.Single(ops).Id;
            }

            Assert.True(_clock.Elapsed < deadline, $"no operation was recorded for '{text}':\n{bot.Output}");
            await Task.Delay(50);
        }
    }

    private async Task<System.Net.HttpStatusCode> ClickAsync(BotProcess bot, string id, string action, string actionTs = "1700000001.000200")
    {
        var card = (await _store.GetAsync(id, CancellationToken.None))?.CardMessageId;
        var payload = SlackRequestSigner.BlockActionsPayload(action, id, Bob, "bob", messageTs: card, actionTs: actionTs);
        using var response = await bot.Http.SendAsync(Signer.Interaction(payload));
        return response.StatusCode;
    }

    private async Task<Operation> WaitForAsync(string id, Func<Operation, bool> condition)
    {
        var deadline = _clock.Elapsed + StepTimeout;
        while (true)
        {
            var op = await _store.GetAsync(id, CancellationToken.None);
            if (op is not null && condition(op))
            {
                return op;
            }

            if (_clock.Elapsed > deadline)
            {
                Assert.Fail($"{id} is {op?.State} ({op?.Phase}) after {StepTimeout}:\n{string.Join("\n---\n", _bots.Select(b => b.Output))}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>A step taken by the killed process comes back after the invisibility timeout: wait past it, and past a few polls, before counting.</summary>
    private async Task SettleAsync(TimeSpan crashedAt)
    {
        var until = crashedAt + Invisibility + TimeSpan.FromSeconds(2);
        var left = until - _clock.Elapsed;
        await Task.Delay(left > TimeSpan.FromSeconds(1.5) ? left : TimeSpan.FromSeconds(1.5));
    }

    private async Task<string> SeedSnapshotAsync()
    {
        var volume = await MotoSeed.CreateVolumeAsync(_ec2, Zone, 8);
        return (await _ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = volume, Description = "crash test" })).Snapshot.SnapshotId;
    }

    private async Task<int> VolumesAsync(string id)
    {
        var volumes = await _ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [TagFilter(id)] });
        var found = volumes.Volumes ?? [];
        Assert.All(found, v => Assert.Contains(v.Attachments, a => a.State == VolumeAttachmentState.Attached));
        return found.Count;
    }

    /// <summary>Counts what AWS and Slack got, prints the numbers for the issue note, and asserts them.</summary>
    private void Report(string point, int resources, int expectedNotifications, Operation op, string finalWords, int unavoidableDuplicates = 0)
    {
        var posts = _slack.Calls.Where(c => c.Method == "chat.postMessage" && c.Succeeded).ToList();
        var cards = posts.Count(c => c["thread_ts"] is null);
        var notifications = posts.Count(c => c["thread_ts"] is not null);
        // The card shows the end either through an update or, when the work finished before the card's
        // first turn (the sender renders the latest state), in the post itself.
        var finalShown = _slack.Calls.Any(c => c.Method is "chat.update" && c.Succeeded && c["ts"] == op.CardMessageId && SlackText.Visible(c.Body).Contains(finalWords, StringComparison.Ordinal))
            || (posts.LastOrDefault(c => c["thread_ts"] is null) is { } lastCard && SlackText.Visible(lastCard.Body).Contains(finalWords, StringComparison.Ordinal));
        var duplicates = Math.Max(0, resources - 1) + Math.Max(0, cards - 1) + Math.Max(0, notifications - expectedNotifications);
        var lost = Math.Max(0, 1 - resources) + Math.Max(0, 1 - cards) + Math.Max(0, expectedNotifications - notifications) + (finalShown ? 0 : 1);
        output.WriteLine(
            $"crash-restart {point}: operations run={_operations}, restarts injected={_restarts}, duplicates found={duplicates} (allowed {unavoidableDuplicates}), messages lost={lost} " +
            $"(resources={resources}, cards={cards}, notifications={notifications}, final card shown={finalShown}, state={op.State}, {_clock.Elapsed.TotalSeconds:0.0} s)");

        var calls = string.Join('\n', _slack.Calls.Select(c => "  " + c));
        Assert.True(op.State == OperationState.Succeeded, $"{op.Id} ended {op.State}: {op.Error}");
        Assert.True(duplicates <= unavoidableDuplicates && lost == 0, $"duplicates={duplicates}, lost={lost}; Slack calls:\n{calls}\n{string.Join("\n---\n", _bots.Select(b => b.Output))}");
        Assert.True(_clock.Elapsed < TimeSpan.FromSeconds(60), $"took {_clock.Elapsed}");
    }

    private static Amazon.EC2.Model.Filter TagFilter(string id) => new("tag:" + BackupTags.Operation, [id]);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static IEnumerable<string> Lines(string text) => text.Split('\n');
}
