using System.Runtime.CompilerServices;

namespace CondDistill.Runtime;

/// <summary>
/// Entry point for hosts that call TorchSharp directly before touching any other library type:
/// <see cref="EnsureInitialized"/> runs the library's module initializer (OpenMP wait policy,
/// native loading) first. Harmless to call more than once.
/// </summary>
public static class LibraryInitialization
{
    /// <summary>Runs the library's module initializer if it has not run yet.</summary>
    public static void EnsureInitialized() => RuntimeHelpers.RunModuleConstructor(typeof(LibraryInitialization).Module.ModuleHandle);
}
