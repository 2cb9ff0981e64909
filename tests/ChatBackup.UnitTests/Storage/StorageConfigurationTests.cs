using ChatBackup.Core.Operations;
using ChatBackup.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatBackup.UnitTests.Storage;

public sealed class StorageConfigurationTests
{
    private static IConfiguration Config(string? connectionString) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [StorageConfiguration.Key] = connectionString }).Build();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Unset_MeansInMemory(string? value)
    {
        var services = new ServiceCollection().AddStorage(Config(value));

        Assert.Null(StorageConfiguration.PostgresConnectionString(Config(value)));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IOperationStore));
    }

    [Theory]
    [InlineData("Host=db;Port=abc;Password=hunter2")]
    [InlineData("Hots=db;Password=hunter2")]
    [InlineData("Database=chatbackup;Password=hunter2")]
    [InlineData("not a connection string")]
    public void Invalid_Throws_NamingTheKey_WithoutThePassword(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageConfiguration.PostgresConnectionString(Config(value)));

        Assert.Contains(StorageConfiguration.Key, error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Set_PostgresStoreWins_WhicheverIsRegisteredFirst(bool storageFirst)
    {
        var services = new ServiceCollection();
        var config = Config("Host=db.internal;Database=chatbackup;Username=bot;Password=hunter2");
        if (storageFirst)
        {
            services.AddStorage(config);
        }

        services.TryAddSingleton<IOperationStore, InMemoryOperationStore>();
        if (!storageFirst)
        {
            services.AddStorage(config);
        }

        var store = Assert.Single(services, d => d.ServiceType == typeof(IOperationStore));
        Assert.Equal(typeof(PostgresOperationStore), store.ImplementationType);
    }

    [Fact]
    public void Describe_NamesServerAndDatabase_NotThePassword()
    {
        var described = StorageConfiguration.Describe("Host=db.internal;Port=6432;Database=chatbackup;Username=bot;Password=hunter2");

        Assert.Equal("db.internal:6432/chatbackup", described);
    }
}
