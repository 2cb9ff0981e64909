using ChatBackup.Core.Access;
using ChatBackup.Core.Approvals;
using ChatBackup.Core.Intents.CopyAmi;
using ChatBackup.Core.Intents.DeleteAmi;
using ChatBackup.Core.Intents.DeleteSnapshot;
using ChatBackup.Core.Intents.RestoreSnapshot;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Commands;
using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.CreateSnapshot;
using ChatBackup.Core.Intents.ListBackups;
using ChatBackup.Core.Intents.Parsing;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using ChatBackup.Core.Running;
using ChatBackup.Core.Waiting;
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
        Observer = new ResourceObserver(Ec2, Options, Clock);
        Poller = new ResourcePoller(Store, Queue, Queue, Ec2, Observer, Options, Clock, NullLogger<ResourcePoller>.Instance);
        var restore = new RestoreSnapshotHandler(Ec2, Observer, Options, Clock);
        var deleteAmi = new DeleteAmiHandler(Ec2, Clock);
        var deleteSnapshot = new DeleteSnapshotHandler(Ec2, Clock);
        Sender = new ChatSender(Store, new ChatGateways(() => [Chat]), Options, Clock, NullLogger<ChatSender>.Instance);
        Runner = new OperationRunner(
            Store,
            [
                new CreateAmiHandler(Ec2, Observer, Options, Clock), new CreateSnapshotHandler(Ec2, Observer, Options, Clock), new CopyAmiHandler(Ec2, Observer, Options),
                new ListAmisHandler(Ec2, Clock), new ListSnapshotsHandler(Ec2, Clock), restore, deleteAmi, deleteSnapshot,
            ],
            [restore, deleteAmi, deleteSnapshot],
            new ChatGateways(() => [Chat]),
            new FlushingOutbox(Sender),
            Options,
            Approvals,
            Clock,
            NullLogger<OperationRunner>.Instance);
        var policy = new AccessPolicy(access ?? new AccessOptions { Approvers = ["slack:U0BOB", "slack:U0CAROL"] });
        ApprovalService = new ApprovalService(Store, Queue, policy, Clock, NullLogger<ApprovalService>.Instance);
        Commands = new CommandService(
            new CommandParser(new ParserSettings(null)),
            policy,
            Store,
            Queue,
            Ec2,
            ApprovalService,
            Options,
            new RegionSettings(Region),
            Clock,
            NullLogger<CommandService>.Instance);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public FakeEc2Gateway Ec2 { get; } = new();

    public RecordingChatGateway Chat { get; } = new();

    public RecordingQueue Queue { get; } = new();

    /// <summary>The chat sender; the harness flushes it whenever the runner asks, so every step's chat is visible at once.</summary>
    public ChatSender Sender { get; }

    public BackupOptions Options { get; } = new() { PollInterval = TimeSpan.FromSeconds(15), CardUpdateInterval = TimeSpan.Zero };

    public ApprovalOptions Approvals { get; } = new() { Timeout = TimeSpan.FromMinutes(60) };

    public ApprovalService ApprovalService { get; }

    public InMemoryOperationStore Store { get; }

    public ResourceObserver Observer { get; }

    public ResourcePoller Poller { get; }

    /// <summary>Poll ticks run by <see cref="RunToEndAsync"/>, with what each did.</summary>
    public List<TickResult> Ticks { get; } = [];

    public OperationRunner Runner { get; }

    public CommandService Commands { get; }

    public static Requester Alice { get; } = new("slack", "U0ALICE", "alice");

    public static Requester Bob { get; } = new("slack", "U0BOB", "bob");

    public static Requester Carol { get; } = new("slack", "U0CAROL", "carol");

    public static Requester Dave { get; } = new("slack", "U0DAVE", "dave");

    public Task<ChatBackup.Core.Commands.ActionReply> ClickAsync(string actionId, string operationId, Requester who) =>
        ApprovalService.HandleAsync(new ChatBackup.Core.Commands.ChatAction(who, Channel, actionId, operationId, "msg-1", null), CancellationToken.None);

    public Task<Operation?> GetAsync(string id) => Store.GetAsync(id, CancellationToken.None);

    public static ConversationRef Channel { get; } = new("slack", "C0OPS", ResponseUrl: "https://hooks.example/1");

    public Task<ChatBackup.Core.Cards.Card> SendAsync(string text, Requester? who = null, string? requestKey = null) =>
        Commands.HandleAsync(new ChatCommand(who ?? Alice, Channel, text, requestKey ?? Guid.NewGuid().ToString()), CancellationToken.None);

    /// <summary>
    /// Runs an operation's steps as the job scheduler and the poller would: a delayed step after
    /// its delay, a watched one when a poll tick queues it, advancing the clock as time passes.
    /// </summary>
    public async Task<int> RunToEndAsync(string operationId, int maxSteps = 50)
    {
        // Continue from wherever the operation is, as the next scheduled job would.
        var step = (await Store.GetAsync(operationId, CancellationToken.None))!.Step;
        for (var i = 0; i < maxSteps; i++)
        {
            var result = await Runner.RunStepAsync(operationId, step, CancellationToken.None);
            switch (result)
            {
                case RunResult.RunAgain again:
                    Clock.Advance(again.Delay);
                    step = again.Step;
                    break;
                case RunResult.Watched:
                    step = await NextTickStepAsync(operationId);
                    break;
                default:
                    return i + 1;
            }
        }

        throw new InvalidOperationException($"{operationId} did not finish in {maxSteps} steps.");
    }

    /// <summary>Runs poll ticks until one queues a step of the operation, and returns that step.</summary>
    public async Task<int> NextTickStepAsync(string operationId, int maxTicks = 100)
    {
        for (var tick = 0; tick < maxTicks; tick++)
        {
            Clock.Advance(Poller.NextDelay);
            var queued = Queue.Steps.Count;
            Ticks.Add(await Poller.TickAsync(CancellationToken.None));
            var mine = Queue.Steps.Skip(queued).Where(s => s.Id == operationId).ToList();
            if (mine.Count > 0)
            {
                return mine[^1].Step;
            }
        }

        throw new InvalidOperationException($"No poll tick queued a step of {operationId} in {maxTicks} ticks.");
    }

    /// <summary>Sends an operation's chat as soon as it is enqueued, on the caller's thread.</summary>
    public sealed class FlushingOutbox(ChatSender sender) : IChatOutbox
    {
        public void Enqueue(Operation operation) => sender.FlushAsync(operation.Id, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Records steps queued, scheduled and found due by the poller alike: the harness runs them itself.</summary>
    public sealed class RecordingQueue : IOperationQueue, IDueSteps
    {
        public List<string> Enqueued { get; } = [];

        public List<(string Id, int Step)> Steps { get; } = [];

        public Task EnqueueAsync(string operationId, int step, CancellationToken cancellationToken)
        {
            lock (Enqueued)
            {
                Enqueued.Add(operationId);
                Steps.Add((operationId, step));
            }

            return Task.CompletedTask;
        }

        /// <summary>Steps scheduled for later, with their delays (also in <see cref="Steps"/>).</summary>
        public List<(string Id, int Step, TimeSpan Delay)> Scheduled { get; } = [];

        public Task ScheduleAsync(string operationId, int step, TimeSpan delay, CancellationToken cancellationToken)
        {
            lock (Enqueued)
            {
                Scheduled.Add((operationId, step, delay));
            }

            return EnqueueAsync(operationId, step, cancellationToken);
        }

        /// <summary>Steps the poller found due, and whether their resource changed state.</summary>
        public List<(string Id, int Step, bool StateChanged)> Due { get; } = [];

        public void Enqueue(string operationId, int step, bool stateChanged)
        {
            lock (Enqueued)
            {
                Due.Add((operationId, step, stateChanged));
            }

            EnqueueAsync(operationId, step, CancellationToken.None);
        }
    }
}
