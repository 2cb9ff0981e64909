using ChatBackup.Testing.Moto;

namespace ChatBackup.IntegrationTests.Aws;

[CollectionDefinition(MotoFixture.Collection)]
public sealed class MotoCollection : ICollectionFixture<MotoFixture>;
