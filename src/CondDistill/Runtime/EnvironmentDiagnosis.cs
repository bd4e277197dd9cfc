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
        var checks = new List<DiagnosisCheck> { CheckTorch(), CheckThreads() };
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

    private static DiagnosisCheck CheckThreads()
    {
        int threads = torch.get_num_threads(), cores = Environment.ProcessorCount;
        return threads <= cores
            ? new DiagnosisCheck("threads", true, $"TorchSharp uses {threads} thread(s) on {cores} core(s)")
            : new DiagnosisCheck("threads", false, $"TorchSharp uses {threads} threads on only {cores} cores (oversubscription slows training)",
                $"pass --threads {cores} or unset OMP_NUM_THREADS");
    }
}
