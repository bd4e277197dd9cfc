using TorchSharp;

namespace CondDistill.Runtime;

/// <summary>
/// The device setting shared by the library, the CLI and notebooks: <c>cpu</c> (default),
/// <c>cuda</c> or <c>cuda:N</c>. Resolving <c>cuda</c> on a build or machine without CUDA fails
/// with a message that says how to get a CUDA build instead of falling back silently.
/// </summary>
public static class ComputeDevice
{
    /// <summary>The default device name.</summary>
    public const string DefaultName = "cpu";

    /// <summary>Parses and validates a device name and returns the TorchSharp device.</summary>
    /// <param name="name">"cpu", "cuda" or "cuda:N"; null or empty means "cpu".</param>
    /// <exception cref="ArgumentException">The name is not one of the allowed forms.</exception>
    /// <exception cref="InvalidOperationException">CUDA was asked for but is not available.</exception>
    public static torch.Device Resolve(string? name)
    {
        string value = string.IsNullOrWhiteSpace(name) ? DefaultName : name.Trim().ToLowerInvariant();
        if (value == "cpu") return torch.CPU;
        if (value == "cuda" || value.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (value.Length > 5 && !int.TryParse(value.AsSpan(5), out index))
                throw new ArgumentException($"Device '{name}': expected 'cpu', 'cuda' or 'cuda:N' with N a GPU index.", nameof(name));
            if (!IsCudaAvailable())
                throw new InvalidOperationException(
                    $"Device '{name}' was requested but CUDA is not available in this process. " +
                    "Build with the CUDA package (dotnet build -p:TorchDevice=cuda, see README 'CPU and GPU') " +
                    "on a machine with an NVIDIA driver, or use --device cpu.");
            int count = torch.cuda.device_count();
            if (index >= count)
                throw new InvalidOperationException($"Device '{name}': only {count} CUDA device(s) are visible (indices 0..{count - 1}).");
            return new torch.Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"Device '{name}' is not recognised: allowed values are 'cpu', 'cuda', 'cuda:N'.", nameof(name));
    }

    /// <summary>True when the loaded TorchSharp backend can use a CUDA device.</summary>
    public static bool IsCudaAvailable()
    {
        try { return torch.cuda.is_available(); }
        catch (Exception) { return false; } // CPU-only natives throw when probing CUDA
    }
}
