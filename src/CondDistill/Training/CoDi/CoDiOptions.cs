using System.Collections.ObjectModel;
using System.Text.Json;
using CondDistill.Diffusion;
using CondDistill.Models;

namespace CondDistill.Training.CoDi;

/// <summary>
/// Every switch of the CoDi objective (method.md sections 3 and 6), immutable and JSON-friendly
/// (camelCase names, enums as strings). The defaults are the paper's; the named presets
/// (<see cref="PaperDefaults"/>, <see cref="ReleasedCode"/>, one per ablation) are listed in
/// <see cref="Presets"/>. Where the paper states no value the released code's is used
/// (EMA decay 0.999 without warm-up).
/// </summary>
public sealed record CoDiOptions
{
    /// <summary>Which student parameters train: <see cref="TrainableScope.Full"/> (CoDi) or <see cref="TrainableScope.AdapterOnly"/> (PE-CoDi).</summary>
    public TrainableScope TrainableSet { get; init; } = TrainableScope.Full;

    /// <summary>Where the next point z_s_hat comes from: PREv (paper), DDIM or the frozen teacher.</summary>
    public NextPointSource NextPointSource { get; init; } = NextPointSource.Prev;

    /// <summary>Where the consistency term is measured: noise (paper) or boundary-scaled x (released code).</summary>
    public ConsistencySpace ConsistencySpace { get; init; } = ConsistencySpace.Eps;

    /// <summary>
    /// The c_skip/c_out convention of the X-space consistency (ignored in Eps space). Default
    /// <see cref="BoundaryScalingConvention.ReleasedCode"/> (t' = 10 t, c_out without the sd factor),
    /// because the X switch exists to reproduce the released code.
    /// </summary>
    public BoundaryScalingConvention BoundaryScaling { get; init; } = BoundaryScalingConvention.ReleasedCode;

    /// <summary>lambda, the weight of the guidance term d_x(x_hat_t, x); 0 is the "without d_x" ablation.</summary>
    public double GuidanceWeight { get; init; } = 1.0;

    /// <summary>
    /// Weight of the consistency term d_eps (1 in the paper); 0 is the ablation "CoDi without the
    /// consistency term" (Table 4), which leaves only the guidance loss, i.e. conditional x-prediction training.
    /// </summary>
    public double ConsistencyWeight { get; init; } = 1.0;

    /// <summary>One t per batch (paper) or one per sample (released code).</summary>
    public TimeSampling TimeSampling { get; init; } = TimeSampling.SharedPerBatch;

    /// <summary>N, the number of teacher-grid steps (k = T / N; 50 in the paper, also 20). Must divide T.</summary>
    public int GridSize { get; init; } = 50;

    /// <summary>EMA decay gamma of the target network (0.999 in the released code; the paper gives no value).</summary>
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>Use the diffusers warm-up decay min(gamma, (1 + n) / (10 + n)) at EMA update n (the released code does not).</summary>
    public bool EmaWarmUp { get; init; }

    /// <summary>Start the student's backbone from the pretrained teacher (paper) or from random weights (ablation).</summary>
    public BackboneInitialization Initialization { get; init; } = BackboneInitialization.Pretrained;

    /// <summary>How the adapter's features join the backbone: zero convs (ControlNet, released code) or the paper's mu blend.</summary>
    public ControlNetFusion Fusion { get; init; } = ControlNetFusion.ZeroConv;

    /// <summary>The paper's defaults: full CoDi, PREv, eps space, lambda 1, shared t, N 50, EMA 0.999, pretrained init, zero convs.</summary>
    public static CoDiOptions PaperDefaults { get; } = new();

    /// <summary>PE-CoDi: the backbone is frozen, only the adapter trains.</summary>
    public static CoDiOptions PeCoDi { get; } = new() { TrainableSet = TrainableScope.AdapterOnly };

    /// <summary>Ablation "without d_x": lambda = 0.</summary>
    public static CoDiOptions WithoutGuidance { get; } = new() { GuidanceWeight = 0.0 };

    /// <summary>Ablation "without the consistency term" (paper Table 4): only d_x trains the student.</summary>
    public static CoDiOptions WithoutConsistency { get; } = new() { ConsistencyWeight = 0.0 };

    /// <summary>Ablation: DDIM next point (online eps_hat instead of the original noise).</summary>
    public static CoDiOptions DdimNextPoint { get; } = new() { NextPointSource = NextPointSource.Ddim };

    /// <summary>Ablation "- distilling PF-ODE": the frozen unconditional teacher takes the step to z_s_hat.</summary>
    public static CoDiOptions FrozenTeacherNextPoint { get; } = new() { NextPointSource = NextPointSource.Teacher };

    /// <summary>Ablation: one t per sample instead of one per batch.</summary>
    public static CoDiOptions PerSampleTime { get; } = new() { TimeSampling = TimeSampling.PerSample };

    /// <summary>Ablation: random backbone initialisation instead of the pretrained weights.</summary>
    public static CoDiOptions RandomInit { get; } = new() { Initialization = BackboneInitialization.Random };

    /// <summary>Ablation: the paper's learnable mu blend instead of zero convs.</summary>
    public static CoDiOptions MuBlend { get; } = new() { Fusion = ControlNetFusion.MuBlend };

    /// <summary>Ablation: consistency on boundary-scaled x (released-code scaling) instead of eps.</summary>
    public static CoDiOptions XSpace { get; } = new() { ConsistencySpace = ConsistencySpace.X };

    /// <summary>
    /// The released JAX code's behaviour (method.md section 6): adapter only (item 1), consistency on
    /// boundary-scaled x with t' = 10 t and c_out = t' / sqrt(t'^2 + 0.25) (item 2), next point from the
    /// frozen pretrained model (item 3: the code's step-1 adapter is its initial, zero-output copy), one
    /// t per sample (item 5), N = 50 (its default), EMA 0.999 without warm-up (item 8), lambda 1, zero
    /// convs, pretrained init. Known remaining differences: the code's d_x compares the boundary-scaled
    /// prediction c_skip z_t + c_out x_hat_t (c_skip &lt;= 6e-6 and c_out &gt;= 0.99999 for t &gt;= 20) rather
    /// than x_hat_t, and it also draws t = 0 (s = 0); here t is drawn from 20..980 as everywhere.
    /// </summary>
    public static CoDiOptions ReleasedCode { get; } = new()
    {
        TrainableSet = TrainableScope.AdapterOnly,
        NextPointSource = NextPointSource.Teacher,
        ConsistencySpace = ConsistencySpace.X,
        BoundaryScaling = BoundaryScalingConvention.ReleasedCode,
        GuidanceWeight = 1.0,
        TimeSampling = TimeSampling.PerSample,
        GridSize = 50,
        EmaDecay = 0.999,
        EmaWarmUp = false,
        Initialization = BackboneInitialization.Pretrained,
        Fusion = ControlNetFusion.ZeroConv,
    };

    /// <summary>
    /// The presets by name (case-insensitive): paper-defaults, pe-codi, without-guidance, without-consistency, ddim-next-point,
    /// frozen-teacher-next-point, per-sample-time, random-init, mu-blend, x-space, released-code.
    /// </summary>
    public static IReadOnlyDictionary<string, CoDiOptions> Presets { get; } = new ReadOnlyDictionary<string, CoDiOptions>(
        new Dictionary<string, CoDiOptions>(StringComparer.OrdinalIgnoreCase)
        {
            ["paper-defaults"] = PaperDefaults,
            ["pe-codi"] = PeCoDi,
            ["without-guidance"] = WithoutGuidance,
            ["without-consistency"] = WithoutConsistency,
            ["ddim-next-point"] = DdimNextPoint,
            ["frozen-teacher-next-point"] = FrozenTeacherNextPoint,
            ["per-sample-time"] = PerSampleTime,
            ["random-init"] = RandomInit,
            ["mu-blend"] = MuBlend,
            ["x-space"] = XSpace,
            ["released-code"] = ReleasedCode,
        });

    /// <summary>The preset called <paramref name="name"/> (see <see cref="Presets"/>).</summary>
    /// <exception cref="ArgumentException">No preset has that name; the message lists the names.</exception>
    public static CoDiOptions FromPreset(string name) =>
        Presets.TryGetValue((name ?? string.Empty).Trim(), out var options)
            ? options
            : throw new ArgumentException($"CoDi preset '{name}' is not known; presets: {string.Join(", ", Presets.Keys)}.", nameof(name));

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the field and its allowed values when a switch is
    /// out of range. <paramref name="numTimesteps"/> is T, which <see cref="GridSize"/> must divide.
    /// </summary>
    public void Validate(int numTimesteps = NoiseSchedule.DefaultNumTimesteps)
    {
        RequireDefined(TrainableSet, nameof(TrainableSet));
        RequireDefined(NextPointSource, nameof(NextPointSource));
        RequireDefined(ConsistencySpace, nameof(ConsistencySpace));
        RequireDefined(BoundaryScaling, nameof(BoundaryScaling));
        RequireDefined(TimeSampling, nameof(TimeSampling));
        RequireDefined(Initialization, nameof(Initialization));
        RequireDefined(Fusion, nameof(Fusion));
        if (!double.IsFinite(GuidanceWeight) || GuidanceWeight < 0)
            throw new ArgumentException($"CoDiOptions.GuidanceWeight must be a finite number >= 0 (1 = paper, 0 = without d_x); got {GuidanceWeight}.");
        if (!double.IsFinite(ConsistencyWeight) || ConsistencyWeight < 0)
            throw new ArgumentException($"CoDiOptions.ConsistencyWeight must be a finite number >= 0 (1 = paper, 0 = without the consistency term); got {ConsistencyWeight}.");
        if (ConsistencyWeight == 0 && GuidanceWeight == 0)
            throw new ArgumentException("CoDiOptions.ConsistencyWeight and GuidanceWeight are both 0, so nothing would train; set at least one above 0.");
        if (GridSize < 2 || GridSize > numTimesteps || numTimesteps % GridSize != 0)
            throw new ArgumentException($"CoDiOptions.GridSize must divide T = {numTimesteps} and lie in 2..{numTimesteps} (e.g. 50 or 20); got {GridSize}.");
        if (!double.IsFinite(EmaDecay) || EmaDecay < 0 || EmaDecay > 1)
            throw new ArgumentException($"CoDiOptions.EmaDecay must lie in [0, 1] (0.999 in the released code); got {EmaDecay}.");
    }

    /// <summary>The options as compact JSON (camelCase, enums as strings).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ModelJson.Options);

    /// <summary>Parses <see cref="ToJson"/> output (missing fields take the paper defaults) and validates it.</summary>
    /// <exception cref="JsonException">The JSON is malformed or 'null'.</exception>
    /// <exception cref="ArgumentException">A field is out of range (see <see cref="Validate"/>).</exception>
    public static CoDiOptions FromJson(string json)
    {
        var options = JsonSerializer.Deserialize<CoDiOptions>(json, ModelJson.Options) ?? throw new JsonException("CoDiOptions JSON is 'null'.");
        options.Validate();
        return options;
    }

    private static void RequireDefined<TEnum>(TEnum value, string field) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
            throw new ArgumentException($"CoDiOptions.{field} = {value} is not allowed; allowed values: {string.Join(", ", Enum.GetNames<TEnum>())}.");
    }
}
