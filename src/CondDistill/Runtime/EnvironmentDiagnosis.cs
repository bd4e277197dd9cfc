using System.Globalization;
using TorchSharp;

namespace CondDistill.Runtime;

/// <summary>
/// In-process environment checks (the part of <c>environment/doctor.sh</c> that needs TorchSharp):
/// natives load and compute, thread count, requested device. Data checks are added by callers
/// that know where the data lives.
/// </summary>
public static class EnvironmentDiagnosis
{
    /// <summary>Runs the TorchSharp, thread and device checks.</summary>
    /// <param name="device">The device the user intends to use ("cpu", "cuda", "cuda:N").</param>
    public static IReadOnlyList<DiagnosisCheck> Run(string? device)
    {
        var checks = new List<DiagnosisCheck> { CheckTorch(), CheckThreads(), CheckConvolutions() };
        try
        {
            var resolved = ComputeDevice.Resolve(device);
            checks.Add(new DiagnosisCheck("device", true, $"'{device ?? ComputeDevice.DefaultName}' resolves to {resolved}"));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            checks.Add(new DiagnosisCheck("device", false, e.Message, "use --device cpu, or a CUDA build on a GPU machine (README, CPU and GPU)"));
        }
        return checks;
    }

    private static DiagnosisCheck CheckTorch()
    {
        try
        {
            using var scope = torch.NewDisposeScope();
            double sum = torch.arange(1, 5, dtype: torch.float32).matmul(torch.ones(4)).item<float>();
            return sum == 10.0
                ? new DiagnosisCheck("torchsharp", true, $"TorchSharp {typeof(torch).Assembly.GetName().Version} loads and computes (1+2+3+4 = {sum})")
                : new DiagnosisCheck("torchsharp", false, $"TorchSharp computed {sum} for 1+2+3+4", "reinstall the TorchSharp packages (dotnet restore --force)");
        }
        catch (Exception e)
        {
            return new DiagnosisCheck("torchsharp", false, $"TorchSharp does not load: {e.GetType().Name}: {e.Message}",
                "on Debian 12 run 'dotnet build CondDistill.sln' so environment/TorchSharpGlibcxxFix.targets patches libLibTorchSharp.so; " +
                "'ldd' on that file shows the real missing dependency");
        }
    }

    /// <summary>
    /// Repeats <see cref="OneDnnConvolutionCheck"/> for oneDNN and, where it fails or is in use, for
    /// <see cref="ConvolutionPath.OneDnnForwardKernels"/>: fails only when the path in use gives wrong
    /// convolutions (e.g. CONDISTILL_ONEDNN=on on a machine where oneDNN is wrong); a machine where the
    /// library fell back to a path that passes is fine, with the slowdown named.
    /// </summary>
    private static DiagnosisCheck CheckConvolutions()
    {
        if (!OneDnn.IsSwitchable) return new DiagnosisCheck("convolutions", true, OneDnn.Status);
        try
        {
            var check = OneDnnConvolutionCheck.Run();
            string found = check.Agrees
                ? string.Create(CultureInfo.InvariantCulture, $"oneDNN agrees with the reference path on {check.Cases} convolution shapes (worst relative error {check.WorstRelativeError:E1})")
                : string.Create(CultureInfo.InvariantCulture, $"oneDNN DISAGREES with the reference path: relative error {check.WorstRelativeError:G3} in the {check.WorstCase}");
            bool forwardKernelsAgree = check.Agrees;
            if (!check.Agrees || OneDnn.Path == ConvolutionPath.OneDnnForwardKernels)
            {
                var forwardKernels = OneDnnConvolutionCheck.Run(ConvolutionPath.OneDnnForwardKernels);
                forwardKernelsAgree = forwardKernels.Agrees;
                found += forwardKernels.Agrees
                    ? string.Create(CultureInfo.InvariantCulture, $"; with input gradients as forward convolutions it agrees (worst relative error {forwardKernels.WorstRelativeError:E1})")
                    : string.Create(CultureInfo.InvariantCulture, $"; with input gradients as forward convolutions it disagrees too ({forwardKernels.WorstRelativeError:G3} in the {forwardKernels.WorstCase})");
            }
            bool ok = OneDnn.Path switch
            {
                ConvolutionPath.OneDnn => check.Agrees,
                ConvolutionPath.OneDnnForwardKernels => forwardKernelsAgree,
                _ => true,
            };
            string cost = !ok || check.Agrees ? "" : OneDnn.Path == ConvolutionPath.Reference
                ? " (correct, but training is several times slower than with a working oneDNN)"
                : " (each convolution geometry is also checked when a layer first meets it; one extra forward convolution per layer and training step)";
            return new DiagnosisCheck("convolutions", ok, $"{found}; in use: {OneDnn.Status}{cost}",
                ok ? null : $"unset {OneDnn.ModeVariable} (auto picks a path that passes this check) or set {OneDnn.ModeVariable}=off");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new DiagnosisCheck("convolutions", false, $"the oneDNN check failed to run: {e.GetType().Name}: {e.Message}", $"set {OneDnn.ModeVariable}=off to use the reference convolutions");
        }
    }

    private static DiagnosisCheck CheckThreads()
    {
        int threads = torch.get_num_threads(), cores = Environment.ProcessorCount;
        return threads <= cores
            ? new DiagnosisCheck("threads", true, $"TorchSharp uses {threads} thread(s) on {cores} core(s)")
            : new DiagnosisCheck("threads", false, $"TorchSharp uses {threads} threads on only {cores} cores (oversubscription slows training)",
                $"pass --threads {cores} or unset OMP_NUM_THREADS");
    }
}
