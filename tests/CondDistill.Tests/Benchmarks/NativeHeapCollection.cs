namespace CondDistill.Tests.Benchmarks;

/// <summary>Runs alone: tests running in parallel would allocate on the same C heap.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeHeapCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "C heap readings (no parallel tests)";
}
