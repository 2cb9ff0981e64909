// Whole-app tests start Hangfire, whose storage is process-wide (JobStorage.Current): two apps
// running at once in one test process would enqueue into each other's storage. So the
// integration tests run one at a time; each collection still shares its moto or PostgreSQL.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
