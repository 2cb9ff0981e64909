using ChatBackup.Core.Access;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Commands;
using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.CreateSnapshot;
using ChatBackup.Core.Intents.ListBackups;
using ChatBackup.Core.Intents.Parsing;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using ChatBackup.Core.Running;
using ChatBackup.Testing.Chat;
using ChatBackup.Testing.Ec2;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChatBackup.UnitTests.Core;

/// <summary>The core wired to an in-process EC2 fake, a recording chat and a queue that only records.</summary>
internal sealed class CoreHarness
{
    public const string Region = "us-east-1";

    public CoreHarness(AccessOptions? access = null)
    {
        Store = new InMemoryOperationStore(Clock);
        Runner = new OperationRunner(
            Store,
            [new CreateAmiHandler(Ec2, Options, Clock), new CreateSnapshotHandler(Ec2, Options, Clock), new ListAmisHandler(Ec2, Clock), new ListSnapshotsHandler(Ec2, Clock)],
            new ChatGateways(() => [Chat]),
            Options,
            Clock,
            NullLogger<OperationRunner>.Instance);
        Commands = new CommandService(
            new CommandParser(new ParserSettings(null)),
            new AccessPolicy(access ?? new AccessOptions()),
            Store,
            Queue,
            Ec2,
            Options,
            new RegionSettings(Region),
            Clock,
            NullLogger<CommandService>.Instance);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public FakeEc2Gateway Ec2 { get; } = new();

    public RecordingChatGateway Chat { get; } = new();

    public RecordingQueue Queue { get; } = new();

    public BackupOptions Options { get; } = new() { PollInterval = TimeSpan.FromSeconds(15), CardUpdateInterval = TimeSpan.Zero };

    public InMemoryOperationStore Store { get; }

    public OperationRunner Runner { get; }

    public CommandService Commands { get; }

    public static Requester Alice { get; } = new("slack", "U0ALICE", "alice");

    public static ConversationRef Channel { get; } = new("slack", "C0OPS", ResponseUrl: "https://hooks.example/1");

    public Task<ChatBackup.Core.Cards.Card> SendAsync(string text, Requester? who = null, string? requestKey = null) =>
        Commands.HandleAsync(new ChatCommand(who ?? Alice, Channel, text, requestKey ?? Guid.NewGuid().ToString()), CancellationToken.None);

    /// <summary>Runs an operation's steps as the job scheduler would, advancing the clock by each delay.</summary>
    public async Task<int> RunToEndAsync(string operationId, int maxSteps = 50)
    {
        // Continue from wherever the operation is, as the next scheduled job would.
        var step = (await Store.GetAsync(operationId, CancellationToken.None))!.Step;
        for (var i = 0; i < maxSteps; i++)
        {
            var result = await Runner.RunStepAsync(operationId, step, CancellationToken.None);
            if (result is not RunResult.RunAgain again)
            {
                return i + 1;
            }

            Clock.Advance(again.Delay);
            step = again.Step;
        }

        throw new InvalidOperationException($"{operationId} did not finish in {maxSteps} steps.");
    }

    public sealed class RecordingQueue : IOperationQueue
    {
        public List<string> Enqueued { get; } = [];

        public Task EnqueueAsync(string operationId, CancellationToken cancellationToken)
        {
            lock (Enqueued)
            {
                Enqueued.Add(operationId);
            }

            return Task.CompletedTask;
        }
    }
}
