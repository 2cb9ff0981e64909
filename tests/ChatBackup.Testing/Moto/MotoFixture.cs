using Amazon.EC2;
using Xunit;

namespace ChatBackup.Testing.Moto;

/// <summary>
/// One moto server shared by a test collection. Each test assembly declares the collection itself,
/// because xunit only finds <c>[CollectionDefinition]</c> in the assembly that runs it:
/// <code>[CollectionDefinition(MotoFixture.Collection)] public sealed class MotoCollection : ICollectionFixture&lt;MotoFixture&gt;;</code>
/// Tests share its state, so they name what they create uniquely instead of resetting it.
/// </summary>
public sealed class MotoFixture : IAsyncLifetime
{
    public const string Collection = "moto";

    private MotoServer? _server;

    public MotoServer Server => _server ?? throw new InvalidOperationException("The moto fixture has not started");

    public string Endpoint => Server.Endpoint;

    public IAmazonEC2 CreateClient(string region) => Server.CreateClient(region);

    public async Task InitializeAsync() => _server = await MotoServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
