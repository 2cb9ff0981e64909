using ChatBackup.Core.Operations;
using ChatBackup.Testing.Slack;

using ChatBackup.Testing.Operations;

namespace ChatBackup.IntegrationTests.Storage;

/// <summary>
/// What every <see cref="IOperationStore"/> promises, run against each implementation: the
/// in-memory store is the reference, PostgreSQL must behave the same under concurrency.
/// </summary>
public abstract class OperationStoreContract : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected FixedTimeProvider Clock { get; } = new(SampleOperations.Start);

    protected IOperationStore Store { get; private set; } = null!;

    protected abstract Task<IOperationStore> CreateStoreAsync(TimeProvider clock);

    public async Task InitializeAsync() => Store = await CreateStoreAsync(Clock);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(SampleOperations.IntentNames), MemberType = typeof(SampleOperations))]
    public async Task Add_ThenGet_ReturnsEveryField(string intent)
    {
        var (added, created) = await Store.AddAsync(SampleOperations.Full(SampleOperations.Intents[intent]), None);

        var read = await Store.GetAsync(added.Id, None);

        Assert.True(created);
        Assert.Equal(1, added.Version);
        Assert.Equal(Clock.Now, added.UpdatedAt);
        Assert.NotNull(read);
        SampleOperations.AssertSame(added, read);
    }

    [Fact]
    public async Task Get_UnknownId_ReturnsNull() =>
        Assert.Null(await Store.GetAsync("op-unknown0", None));

    [Fact]
    public async Task Add_SameRequestKeyInParallel_CreatesExactlyOne()
    {
        var key = "slack:T1:" + Guid.NewGuid().ToString("N");
        var candidates = Enumerable.Range(0, 20).Select(_ => SampleOperations.New(key)).ToList();

        var results = await Task.WhenAll(candidates.Select(c => Task.Run(() => Store.AddAsync(c, None))));

        var winner = Assert.Single(results, r => r.Created).Operation;
        Assert.All(results, r => Assert.Equal(winner.Id, r.Operation.Id));
        foreach (var loser in candidates.Where(c => c.Id != winner.Id))
        {
            Assert.Null(await Store.GetAsync(loser.Id, None));
        }
    }

    [Fact]
    public async Task Add_WithoutRequestKey_AlwaysCreates()
    {
        var first = await Store.AddAsync(SampleOperations.New(), None);
        var second = await Store.AddAsync(SampleOperations.New(), None);

        Assert.True(first.Created);
        Assert.True(second.Created);
    }

    [Fact]
    public async Task Add_SameIdTwice_Throws()
    {
        var operation = SampleOperations.New();
        await Store.AddAsync(operation, None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AddAsync(operation, None));
    }

    [Fact]
    public async Task TryUpdate_ParallelWriters_ExactlyOneWins()
    {
        var (op, _) = await Store.AddAsync(SampleOperations.New(state: OperationState.AwaitingApproval), None);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() =>
            Store.TryUpdateAsync(op with { State = i % 2 == 0 ? OperationState.Queued : OperationState.Rejected, Phase = $"writer {i}" }, None))));

        var winner = Assert.Single(attempts, a => a is not null)!;
        var stored = await Store.GetAsync(op.Id, None);
        Assert.Equal(op.Version + 1, stored!.Version);
        Assert.Equal(winner.State, stored.State);
        Assert.Equal(winner.Phase, stored.Phase);
    }

    [Fact]
    public async Task TryUpdate_SavesTheChange_AndBumpsTheVersion()
    {
        var (op, _) = await Store.AddAsync(SampleOperations.New(), None);
        Clock.Advance(TimeSpan.FromMinutes(1));

        var saved = await Store.TryUpdateAsync(op.WithResource(ResourceKeys.ImageId, "ami-1") with { State = OperationState.Running, Step = 1 }, None);

        Assert.NotNull(saved);
        Assert.Equal(2, saved.Version);
        Assert.Equal(Clock.Now, saved.UpdatedAt);
        SampleOperations.AssertSame(saved, (await Store.GetAsync(op.Id, None))!);
    }

    [Fact]
    public async Task TryUpdate_StaleVersion_IsRefused()
    {
        var (op, _) = await Store.AddAsync(SampleOperations.New(), None);
        var first = await Store.TryUpdateAsync(op with { Phase = "first" }, None);

        var stale = await Store.TryUpdateAsync(op with { Phase = "stale" }, None);

        Assert.NotNull(first);
        Assert.Null(stale);
        Assert.Equal("first", (await Store.GetAsync(op.Id, None))!.Phase);
    }

    [Fact]
    public async Task TryUpdate_UnknownOperation_ReturnsNull() =>
        Assert.Null(await Store.TryUpdateAsync(SampleOperations.New(), None));

    public static TheoryData<OperationState, OperationState> FinalStateExits()
    {
        var data = new TheoryData<OperationState, OperationState>();
        foreach (var from in Enum.GetValues<OperationState>().Where(s => s.IsFinal()))
        {
            foreach (var to in Enum.GetValues<OperationState>().Where(s => s != from))
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FinalStateExits))]
    public async Task TryUpdate_FinalStates_CannotBeLeft(OperationState final, OperationState target)
    {
        var (op, _) = await Store.AddAsync(SampleOperations.New(state: final), None);

        var moved = await Store.TryUpdateAsync(op with { State = target }, None);

        Assert.Null(moved);
        var stored = await Store.GetAsync(op.Id, None);
        Assert.Equal(final, stored!.State);
        Assert.Equal(op.Version, stored.Version);
    }

    [Fact]
    public async Task TryUpdate_FinalState_MayStillChangeItsDetails()
    {
        var (op, _) = await Store.AddAsync(SampleOperations.New(state: OperationState.Succeeded), None);

        var saved = await Store.TryUpdateAsync(op with { NotificationSent = true }, None);

        Assert.NotNull(saved);
        Assert.True((await Store.GetAsync(op.Id, None))!.NotificationSent);
    }

    [Theory]
    [InlineData(OperationState.Queued, OperationState.AwaitingApproval)]
    [InlineData(OperationState.Running, OperationState.Queued)]
    [InlineData(OperationState.AwaitingApproval, OperationState.Running)]
    [InlineData(OperationState.AwaitingApproval, OperationState.Succeeded)]
    [InlineData(OperationState.Running, OperationState.Cancelled)]
    public async Task TryUpdate_IllegalMove_IsRefused(OperationState from, OperationState to)
    {
        var (op, _) = await Store.AddAsync(SampleOperations.New(state: from), None);

        Assert.Null(await Store.TryUpdateAsync(op with { State = to }, None));
        Assert.Equal(from, (await Store.GetAsync(op.Id, None))!.State);
    }

    [Fact]
    public async Task ListRecent_NewestFirst_OnlyThatConversation_UpToTheLimit()
    {
        var channel = "C" + Guid.NewGuid().ToString("N")[..10];
        var added = new List<Operation>();
        for (var i = 0; i < 5; i++)
        {
            added.Add((await Store.AddAsync(SampleOperations.New(channel: channel, createdAt: SampleOperations.Start.AddMinutes(i)), None)).Operation);
        }

        // Same instant: the id breaks the tie, highest first.
        var tied = SampleOperations.Start.AddMinutes(10);
        added.Add((await Store.AddAsync(SampleOperations.New(channel: channel, createdAt: tied) with { Id = "op-aaaaaaaa" }, None)).Operation);
        added.Add((await Store.AddAsync(SampleOperations.New(channel: channel, createdAt: tied) with { Id = "op-zzzzzzzz" }, None)).Operation);
        await Store.AddAsync(SampleOperations.New(channel: channel + "X"), None);
        await Store.AddAsync(SampleOperations.New(channel: channel) with { Conversation = new ConversationRef("teams", channel) }, None);

        var recent = await Store.ListRecentAsync("slack", channel, 4, None);
        var all = await Store.ListRecentAsync("slack", channel, 100, None);

        Assert.Equal(["op-zzzzzzzz", "op-aaaaaaaa", added[4].Id, added[3].Id], recent.Select(o => o.Id));
        Assert.Equal(added.Count, all.Count);
    }

    [Fact]
    public async Task ListByState_OnlyThatState_OlderThanTheCutoff_OldestFirst()
    {
        var tag = Guid.NewGuid().ToString("N");
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var (op, _) = await Store.AddAsync(SampleOperations.New(tag + i, OperationState.AwaitingApproval), None);
            ids.Add(op.Id);
            Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var (queued, _) = await Store.AddAsync(SampleOperations.New(tag + "q"), None);
        var cutoff = Clock.Now - TimeSpan.FromSeconds(90);

        var old = await Store.ListByStateAsync(OperationState.AwaitingApproval, cutoff, 100, None);
        var oldestTwo = await Store.ListByStateAsync(OperationState.AwaitingApproval, null, 2, None);
        var queuedOnes = await Store.ListByStateAsync(OperationState.Queued, null, 100, None);

        // Other tests may share the store (the PostgreSQL database is per test class instance, the clock per test).
        Assert.Equal(ids.Take(3), old.Where(o => o.RequestKey!.StartsWith(tag, StringComparison.Ordinal)).Select(o => o.Id));
        Assert.All(old, o => Assert.True(o.UpdatedAt < cutoff));
        Assert.Equal(2, oldestTwo.Count);
        Assert.True(oldestTwo[0].UpdatedAt <= oldestTwo[1].UpdatedAt);
        Assert.Contains(queuedOnes, o => o.Id == queued.Id);
        Assert.All(queuedOnes, o => Assert.Equal(OperationState.Queued, o.State));
    }

    [Fact]
    public async Task ListChatDueAsync_FindsOnlyUnsentChatThatNobodyTouchedLately()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (noCard, _) = await Store.AddAsync(SampleOperations.New(tag + "a") with { State = OperationState.Running }, None);
        var (staleCard, _) = await Store.AddAsync(
            SampleOperations.New(tag + "b") with { State = OperationState.Succeeded, CardMessageId = "1.1", CardState = OperationState.Running }, None);
        var (upToDate, _) = await Store.AddAsync(
            SampleOperations.New(tag + "c") with { State = OperationState.Succeeded, CardMessageId = "1.2", CardState = OperationState.Succeeded }, None);
        var (queued, _) = await Store.AddAsync(SampleOperations.New(tag + "d"), None);
        var (leftLease, _) = await Store.AddAsync(
            SampleOperations.New(tag + "e") with
            {
                State = OperationState.Succeeded, CardMessageId = "1.3", CardState = OperationState.Succeeded,
                Sending = new ChatSending("notification", Clock.Now, Clock.Now + TimeSpan.FromSeconds(10)),
            },
            None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var (recent, _) = await Store.AddAsync(SampleOperations.New(tag + "f") with { State = OperationState.Running }, None);

        var due = (await Store.ListChatDueAsync(Clock.Now - TimeSpan.FromSeconds(30), 100, None))
            .Where(o => o.RequestKey!.StartsWith(tag, StringComparison.Ordinal))
            .Select(o => o.Id)
            .ToHashSet();

        Assert.Equal(new HashSet<string> { noCard.Id, staleCard.Id, leftLease.Id }, due);
        Assert.DoesNotContain(upToDate.Id, due);
        Assert.DoesNotContain(queued.Id, due);
        Assert.DoesNotContain(recent.Id, due);

        // Once the card shows the final state, the operation leaves the list.
        await Store.UpdateAsync(staleCard.Id, o => o with { CardState = OperationState.Succeeded }, None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var after = await Store.ListChatDueAsync(Clock.Now, 100, None);
        Assert.DoesNotContain(after, o => o.Id == staleCard.Id);
    }

    [Fact]
    public async Task UpdateAsync_RetriesAgainstConcurrentWriters_UntilEveryChangeIsIn()
    {
        var (op, _) = await Store.AddAsync(SampleOperations.New(), None);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            Store.UpdateAsync(op.Id, o => o.WithResource($"k{i}", "v"), None))));

        var stored = await Store.GetAsync(op.Id, None);
        Assert.Equal(10, stored!.Resources.Count);
        Assert.Equal(11, stored.Version);
    }
}
