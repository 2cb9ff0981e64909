using ChatBackup.Core.Operations;

namespace ChatBackup.IntegrationTests.Storage;

public sealed class InMemoryOperationStoreTests : OperationStoreContract
{
    protected override Task<IOperationStore> CreateStoreAsync(TimeProvider clock) =>
        Task.FromResult<IOperationStore>(new InMemoryOperationStore(clock));
}
