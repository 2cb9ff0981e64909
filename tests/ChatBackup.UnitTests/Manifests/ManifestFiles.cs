namespace ChatBackup.UnitTests.Manifests;

/// <summary>Finds files under <c>manifests/</c> from the test's output folder.</summary>
internal static class ManifestFiles
{
    public static readonly string RepoRoot = FindRepoRoot();

    public static string PathOf(string relative) => Path.Combine(RepoRoot, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatBackup.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ChatBackup.sln above {AppContext.BaseDirectory}");
    }
}
