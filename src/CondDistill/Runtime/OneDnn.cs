using System.Globalization;
using System.Runtime.InteropServices;

namespace CondDistill.Runtime;

/// <summary>
/// libtorch's use of oneDNN (MKL-DNN) for CPU convolutions: the switch PyTorch exposes as
/// <c>torch.backends.mkldnn.enabled</c> (TorchSharp does not), and the policy the library applies
/// when it loads. By default (<see cref="OneDnnMode.Auto"/>) <see cref="OneDnnConvolutionCheck"/>
/// compares oneDNN with the reference path on a few small convolutions (about 0.15 s) and turns oneDNN
/// off when they disagree, printing why, unless computing input gradients as forward convolutions
/// (<see cref="ConvolutionPath.OneDnnForwardKernels"/>) passes the same check;
/// <c>CONDISTILL_ONEDNN=on|forward-kernels|off</c> overrides.
/// </summary>
public static class OneDnn
{
    /// <summary>The environment variable that chooses the <see cref="OneDnnMode"/>: auto (default), on or off.</summary>
    public const string ModeVariable = "CONDISTILL_ONEDNN";

    /// <summary>Whether this platform lets the switch be read and set (libtorch on Linux).</summary>
    public static bool IsSwitchable => TryGetContext(out _);

    /// <summary>
    /// Whether libtorch may use oneDNN for CPU convolutions (true when the switch is unreachable,
    /// libtorch's default). Read at each convolution call, so a change applies to the next call.
    /// Setting it also sets libtorch's NNPACK switch: on only when oneDNN is on and <see cref="Path"/> is
    /// <see cref="ConvolutionPath.OneDnn"/>. Where NNPACK cannot run, libtorch otherwise logs "Could not
    /// initialize NNPACK! Reason: Unsupported hardware." at every convolution oneDNN does not take
    /// (all of them once oneDNN is off, the float64 ones otherwise), and the other paths never want
    /// unchecked NNPACK kernels.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">On setting, when the switch is not reachable.</exception>
    public static bool Enabled
    {
        get => !TryGetContext(out var context) || UserEnabledMkldnn(context);
        set
        {
            if (!TryGetContext(out var context))
                throw new PlatformNotSupportedException("libtorch's oneDNN switch (at::Context::setUserEnabledMkldnn) is only reachable on Linux");
            SetUserEnabledMkldnn(context, value);
            SetUserEnabledNnpack(context, value && path == ConvolutionPath.OneDnn);
        }
    }

    /// <summary>
    /// How the library's convolution layers compute gradients (<see cref="RoutedConvolution"/>),
    /// as the policy decided when the library loaded. Setting it (tests, benchmarks) also sets
    /// <see cref="Enabled"/>: off for <see cref="ConvolutionPath.Reference"/>, on otherwise.
    /// </summary>
    public static ConvolutionPath Path
    {
        get => path;
        internal set
        {
            path = value;
            Enabled = value != ConvolutionPath.Reference;
        }
    }

    private static ConvolutionPath path = ConvolutionPath.OneDnn;

    /// <summary>Whether libtorch may use NNPACK for CPU convolutions (set with <see cref="Enabled"/>; true when the switch is unreachable).</summary>
    public static bool NnpackEnabled => !TryGetContext(out var context) || UserEnabledNnpack(context);

    /// <summary>
    /// What the policy decided when the library loaded, in words, e.g. "oneDNN (self-check agreed
    /// within 9.6E-07)" or "reference convolutions: oneDNN failed the self-check (...)".
    /// </summary>
    public static string Status { get; private set; } = "not yet decided";

    /// <summary>Reads a <see cref="ModeVariable"/> value; unset or empty is <see cref="OneDnnMode.Auto"/>.</summary>
    /// <exception cref="ArgumentException">For any other value than auto, on, forward-kernels or off (case-insensitive).</exception>
    public static OneDnnMode ParseMode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => OneDnnMode.Auto,
        "on" => OneDnnMode.On,
        "forward-kernels" => OneDnnMode.ForwardKernels,
        "off" => OneDnnMode.Off,
        _ => throw new ArgumentException($"environment variable {ModeVariable}='{value}' is not one of auto, on, forward-kernels, off. Fix: unset it (auto: oneDNN unless its self-check fails), or set one of those."),
    };

    /// <summary>
    /// Applies the policy of <see cref="ModeVariable"/> and records <see cref="Path"/> and
    /// <see cref="Status"/>. Under auto: oneDNN when it passes <see cref="OneDnnConvolutionCheck"/>;
    /// else <see cref="ConvolutionPath.OneDnnForwardKernels"/> when that passes the same check; else
    /// the reference convolutions. Returns a message for the user when the policy departs from
    /// libtorch's default or the variable is invalid, else null. Never throws: a failure leaves
    /// libtorch's default in place.
    /// </summary>
    internal static string? ApplyPolicy()
    {
        OneDnnMode mode;
        string? warning = null;
        try { mode = ParseMode(Environment.GetEnvironmentVariable(ModeVariable)); }
        catch (ArgumentException e) { mode = OneDnnMode.Auto; warning = $"CondDistill: {e.Message} Using auto."; }
        try
        {
            if (!IsSwitchable)
            {
                Status = "libtorch default (the oneDNN switch is not reachable on this platform; not checked)";
                return warning;
            }
            switch (mode)
            {
                case OneDnnMode.On:
                    Path = ConvolutionPath.OneDnn;
                    Status = $"oneDNN ({ModeVariable}=on; not checked)";
                    return warning;
                case OneDnnMode.ForwardKernels:
                    Path = ConvolutionPath.OneDnnForwardKernels;
                    Status = $"{ForwardKernelsName} ({ModeVariable}=forward-kernels; not checked)";
                    return warning;
                case OneDnnMode.Off:
                    Path = ConvolutionPath.Reference;
                    Status = $"reference convolutions ({ModeVariable}=off)";
                    return warning;
            }
            var check = OneDnnConvolutionCheck.Run();
            if (check.Agrees)
            {
                Path = ConvolutionPath.OneDnn;
                Status = string.Create(CultureInfo.InvariantCulture, $"oneDNN (self-check agreed within {check.WorstRelativeError:E1})");
                return warning;
            }
            string failure = string.Create(CultureInfo.InvariantCulture, $"relative error {check.WorstRelativeError:G3} in the {check.WorstCase}");
            var forwardKernels = OneDnnConvolutionCheck.Run(ConvolutionPath.OneDnnForwardKernels);
            if (forwardKernels.Agrees)
            {
                Path = ConvolutionPath.OneDnnForwardKernels;
                Status = string.Create(CultureInfo.InvariantCulture,
                    $"{ForwardKernelsName}: oneDNN failed the self-check ({failure}); this path agreed within {forwardKernels.WorstRelativeError:E1}");
                return JoinLines(warning,
                    $"CondDistill: libtorch's oneDNN convolutions give wrong results on this CPU ({failure}); their forward and weight-gradient kernels " +
                    $"pass the self-check when input gradients are computed as forward convolutions, so the library does that ({ForwardKernelsName}). " +
                    $"{ModeVariable}=off uses libtorch's reference convolutions; 'condistill doctor' repeats the check.");
            }
            Path = ConvolutionPath.Reference;
            Status = $"reference convolutions: oneDNN failed the self-check ({failure}), and so did oneDNN with input gradients as forward convolutions";
            return JoinLines(warning,
                $"CondDistill: libtorch's oneDNN convolutions give wrong results on this CPU ({failure}); using libtorch's reference convolutions instead, " +
                $"which are correct but several times slower. {ModeVariable}=on forces oneDNN; 'condistill doctor' repeats the check.");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Status = $"libtorch default (the oneDNN policy failed: {e.GetType().Name}: {e.Message})";
            return JoinLines(warning, $"CondDistill: could not apply the oneDNN policy ({e.Message}); libtorch's default stays.");
        }
    }

    /// <summary>How <see cref="Status"/> names <see cref="ConvolutionPath.OneDnnForwardKernels"/>.</summary>
    internal const string ForwardKernelsName = "oneDNN forward kernels (input gradients as forward convolutions)";

    private static string JoinLines(string? first, string second) => first is null ? second : first + Environment.NewLine + second;

    private static bool TryGetContext(out IntPtr context)
    {
        context = IntPtr.Zero;
        if (!OperatingSystem.IsLinux()) return false;
        try { context = GlobalContext(); return context != IntPtr.Zero; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

#pragma warning disable SYSLIB1054 // five tiny calls; source-generated marshalling buys nothing here
    [DllImport("torch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("torch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("torch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("torch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);

    [DllImport("torch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledNnpack(IntPtr context);
#pragma warning restore SYSLIB1054
}
