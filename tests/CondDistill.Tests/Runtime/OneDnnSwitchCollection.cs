namespace CondDistill.Tests.Runtime;

/// <summary>
/// Runs alone: these tests flip libtorch's process-wide oneDNN switch, which would send a test
/// running beside them through oneDNN on a machine where the library turned it off.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OneDnnSwitchCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "oneDNN switch (no parallel tests)";
}
