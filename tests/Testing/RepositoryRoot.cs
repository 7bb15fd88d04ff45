namespace Boai.Orleans.Testing;

/// <summary>The checkout the tests run from: the folder above the test binaries that holds the solution file.</summary>
public static class RepositoryRoot
{
    public const string SolutionFile = "Boai.Orleans.sln";

    public static string Find()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, SolutionFile)))
        {
            root = root.Parent;
        }

        return root?.FullName
            ?? throw new InvalidOperationException($"No {SolutionFile} above {AppContext.BaseDirectory}; cannot find the repository's node_modules.");
    }
}
