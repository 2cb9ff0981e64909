using ChatBackup.Core.Intents;
using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Operations;
using Microsoft.Extensions.Time.Testing;

namespace ChatBackup.UnitTests.Core;

public sealed class OperationStoreTests
{
    private readonly InMemoryOperationStore _store = new(new FakeTimeProvider());

    private static Operation New(string? requestKey = null, OperationState state = OperationState.Queued) => new()
    {
        Id = OperationId.New(),
        Kind = OperationKind.CreateAmi,
        Intent = new CreateAmiIntent(new InstanceRef("web-01")),
        Requester = CoreHarness.Alice,
        Conversation = CoreHarness.Channel,
        Region = "us-east-1",
        State = state,
        CreatedAt = DateTimeOffset.UnixEpoch,
        RequestKey = requestKey,
    };

    [Fact]
    public async Task ConcurrentWriters_OnlyOneWins()
    {
        var (op, _) = await _store.AddAsync(New(state: OperationState.AwaitingApproval), CancellationToken.None);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() =>
            _store.TryUpdateAsync(op with { State = i % 2 == 0 ? OperationState.Queued : OperationState.Rejected }, CancellationToken.None))));

        Assert.Single(attempts, a => a is not null);
        Assert.Equal(op.Version + 1, (await _store.GetAsync(op.Id, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task FinalStates_CannotBeLeft()
    {
        var (op, _) = await _store.AddAsync(New(state: OperationState.AwaitingApproval), CancellationToken.None);
        var rejected = await _store.TryUpdateAsync(op with { State = OperationState.Rejected }, CancellationToken.None);

        var revived = await _store.TryUpdateAsync(rejected! with { State = OperationState.Queued }, CancellationToken.None);

        Assert.Null(revived);
    }

    [Fact]
    public async Task SameRequestKey_ReturnsTheFirstOperation()
    {
        var (first, created) = await _store.AddAsync(New("slack:T1:abc"), CancellationToken.None);
        var (again, createdAgain) = await _store.AddAsync(New("slack:T1:abc"), CancellationToken.None);

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(first.Id, again.Id);
    }

    [Fact]
    public void OperationIds_AreOpPlusEightBase32Characters()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => OperationId.New()).ToList();

        Assert.All(ids, id => Assert.Matches("^op-[a-z2-7]{8}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void OperationIds_UseTheWholeAlphabet_AtEveryPosition()
    {
        var ids = Enumerable.Range(0, 4000).Select(_ => OperationId.New()).ToList();

        for (var position = 3; position < 11; position++)
        {
            Assert.Equal(32, ids.Select(id => id[position]).Distinct().Count());
        }
    }
}
