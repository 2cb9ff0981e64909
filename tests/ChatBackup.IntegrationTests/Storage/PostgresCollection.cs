using ChatBackup.Testing.Postgres;

namespace ChatBackup.IntegrationTests.Storage;

[CollectionDefinition(PostgresFixture.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
