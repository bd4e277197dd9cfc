using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace CondDistill.Runtime;

/// <summary>
/// Prepares TorchSharp as soon as the library is loaded, so that the first TorchSharp call from any
/// host (tests, the CLI, a notebook kernel whose natives are not beside TorchSharp.dll) works,
/// including when that call is an <c>nn.Module</c> constructor; then applies the oneDNN policy
/// (<see cref="OneDnn"/>: convolutions are checked against the reference path and oneDNN is turned
/// off where it computes them wrongly).
/// </summary>
internal static class TorchInitializer
{
    /// <summary>The OpenMP wait policy set when the user has not chosen one.</summary>
    internal const string DefaultOmpWaitPolicy = "PASSIVE";

#pragma warning disable CA2255 // a library module initializer is exactly what hosts without natives beside TorchSharp.dll need
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        PreferPassiveOpenMpWaiting();
        PreloadNativesBesideTorchSharp();
        torch.InitializeDeviceType(DeviceType.CPU);
        if (OneDnn.ApplyPolicy() is { } message) Console.Error.WriteLine(message);
    }

    /// <summary>
    /// Hosts whose dependency manifest does not list TorchSharp's natives (dotnet-repl, Jupyter
    /// kernels referencing the built dlls with <c>#r</c>) do not probe runtimes/&lt;rid&gt;/native beside
    /// TorchSharp.dll, and TorchSharp then fails with a misleading "doesn't contain a reference to
    /// libtorch-cpu-linux-x64". When the normal probe fails, load the backend from there by path
    /// (its RUNPATH $ORIGIN brings libtorch along); TorchSharp's own load then finds it loaded.
    /// </summary>
    private static void PreloadNativesBesideTorchSharp()
    {
        var torchSharp = typeof(torch).Assembly;
        if (NativeLibrary.TryLoad("LibTorchSharp", torchSharp, null, out _)) return;
        string? folder = Path.GetDirectoryName(torchSharp.Location);
        if (string.IsNullOrEmpty(folder)) return;
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string file = OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";
        string path = Path.Combine(folder, "runtimes", $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}", "native", file);
        if (File.Exists(path)) NativeLibrary.TryLoad(path, out _);
    }

    /// <summary>
    /// libtorch's OpenMP threads spin while waiting by default. When two such processes (a
    /// background training and the tests, say) share 2 cores, spinning threads starve each other:
    /// a UNet training step measured 6.4 s instead of 0.8 s. With OMP_WAIT_POLICY=PASSIVE the same
    /// pair took 1.2 s each, at a cost of about 12 % on an idle machine. The variable must be in
    /// the native environment before libgomp loads, so it is set here with setenv (Environment
    /// variables set from .NET do not reach native code on Unix). A value the user set is kept.
    /// </summary>
    private static void PreferPassiveOpenMpWaiting()
    {
        if (OperatingSystem.IsWindows() || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        try { _ = setenv("OMP_WAIT_POLICY", DefaultOmpWaitPolicy, 0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* not a libc platform: keep defaults */ }
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // a single call at start-up; source-generated marshalling buys nothing here
    private static extern int setenv(string name, string value, int overwrite);
#pragma warning restore SYSLIB1054
}
