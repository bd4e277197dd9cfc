using CondDistill.Diffusion;
using CondDistill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Training.CoDi;

/// <summary>
/// The three networks of CoDi and the glue between them (method.md sections 2-3): the trainable
/// student (a <see cref="ControlledUNet"/> whose backbone is a copy of the teacher, or random per
/// <see cref="CoDiOptions.Initialization"/>), its EMA target and the frozen unconditional teacher.
/// <see cref="Loss"/> draws t, s and eps and calls <see cref="CoDiLoss.Compute"/>; the trainer
/// steps the optimiser over <see cref="TrainableParameters"/> and then calls <see cref="UpdateEma"/>.
/// </summary>
/// <remarks>
/// EMA target design: the target is a SEPARATE <see cref="ControlledUNet"/> whose parameters never
/// require gradients. <see cref="UpdateEma"/> updates the <see cref="Ema"/> shadows of the student's
/// trainable parameters and copies them into the target; parameters that do not train (the backbone
/// in PE-CoDi) are copied from the student, so the target always is "EMA of the student". Swapping the
/// EMA weights into the student itself (<see cref="Ema.UseAveragedWeights"/>) is not possible inside
/// the loss: the target is evaluated after the online forward, and overwriting parameters in place
/// then would invalidate the tensors autograd saved for the backward pass. The cost is one more
/// copy of the network's weights.
/// <para>The teacher is used, not copied: its parameters are set to requires_grad = false and it is put in eval mode.</para>
/// </remarks>
public sealed class CoDiMethod : ITrainingMethod
{
    private readonly ControlledUNet student;
    private readonly ControlledUNet target;
    private readonly UNet teacher;
    private readonly Ema ema;
    private readonly Dictionary<string, Tensor> studentTensors;
    private readonly List<(string Name, Tensor Tensor)> targetTensors;

    /// <summary>Builds student, target and EMA from a pretrained unconditional <paramref name="teacher"/>.</summary>
    /// <param name="teacher">The pretrained unconditional UNet (frozen by this constructor, not copied, not disposed).</param>
    /// <param name="conditionChannels">Channels of the condition image c.</param>
    /// <param name="schedule">The noise schedule (its T must be divisible by <see cref="CoDiOptions.GridSize"/>).</param>
    /// <param name="options">The switches (validated).</param>
    /// <param name="initGenerator">Source of every new initial weight (adapter layers; the backbone for random init).</param>
    /// <param name="hintChannels">Hidden channels of the adapter's condition stack.</param>
    /// <param name="device">Where student and target live (the teacher must already be there); null = CPU.</param>
    public CoDiMethod(UNet teacher, int conditionChannels, NoiseSchedule schedule, CoDiOptions options, Generator initGenerator, int hintChannels = 16, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(initGenerator);
        options.Validate(schedule.NumTimesteps);
        Options = options;
        Schedule = schedule;
        Grid = new TimestepGrid(options.GridSize, schedule.NumTimesteps);
        AdapterConfig = new ControlNetConfig(conditionChannels, options.Fusion, hintChannels);
        AdapterConfig.Validate();

        this.teacher = teacher;
        foreach (var p in teacher.parameters()) p.requires_grad = false;
        teacher.eval();

        var backbone = new UNet(teacher.Config, initGenerator);
        if (options.Initialization == BackboneInitialization.Pretrained) backbone.CopyWeightsFrom(teacher);
        student = new ControlledUNet(backbone, AdapterConfig, initGenerator);
        using (var unused = new Generator(0))
        {
            target = new ControlledUNet(new UNet(teacher.Config, unused), AdapterConfig, unused);
        }
        if (device is not null)
        {
            student.to(device);
            target.to(device);
        }
        student.ConfigureTrainable(options.TrainableSet);
        student.train();
        foreach (var p in target.parameters()) p.requires_grad = false;
        target.eval();

        studentTensors = student.state_dict();
        targetTensors = target.state_dict().Select(kv => (kv.Key, kv.Value)).ToList();
        ema = new Ema(student.TrainableParameters(), options.EmaDecay, options.EmaWarmUp);
        SyncTarget();
    }

    /// <summary>The switches.</summary>
    public CoDiOptions Options { get; }

    /// <summary>The noise schedule.</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>The N-step teacher grid (k = T / N).</summary>
    public TimestepGrid Grid { get; }

    /// <summary>The adapter configuration (fusion from <see cref="CoDiOptions.Fusion"/>).</summary>
    public ControlNetConfig AdapterConfig { get; }

    /// <summary>The online conditional student (what the optimiser trains).</summary>
    public ControlledUNet Student => student;

    /// <summary>The EMA target (no parameter requires gradients; refreshed by <see cref="UpdateEma"/>). Sample from it for evaluation.</summary>
    public ControlledUNet Target => target;

    /// <summary>The frozen pretrained unconditional teacher.</summary>
    public UNet Teacher => teacher;

    /// <summary>The EMA of the student's trainable parameters (shadows by state-dict name, for checkpoints).</summary>
    public Ema Ema => ema;

    /// <summary>The student's parameters that require gradients (hand these to the optimiser).</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters => student.TrainableParameters();

    /// <summary>Number of trainable parameter elements (CoDi: backbone + adapter; PE-CoDi: adapter only).</summary>
    public long TrainableParameterCount => student.TrainableParameterCount();

    /// <summary>
    /// Draws t = i k and s = t - k (int64 [B] on <paramref name="device"/>) with i in 1..N-1, one i for the
    /// batch or one per sample per <see cref="CoDiOptions.TimeSampling"/>, from <paramref name="generator"/> only.
    /// </summary>
    public (Tensor T, Tensor S) DrawTimesteps(int batchSize, Generator generator, Device? device = null) =>
        Grid.DrawTrainingSteps(batchSize, Options.TimeSampling == TimeSampling.SharedPerBatch, generator, device);

    /// <summary>
    /// The CoDi loss for a batch of pairs: draws (t, s) and then eps ~ N(0, I) from
    /// <paramref name="generator"/> (CPU; in that order), and evaluates <see cref="CoDiLoss.Compute"/>
    /// with the student as online model, the EMA target and the frozen teacher, all with c bound.
    /// </summary>
    /// <param name="x">Clean images [B, C, H, W].</param>
    /// <param name="c">Conditions [B, Cc, H, W].</param>
    /// <param name="generator">The training noise generator (checkpoint its state to resume bit for bit).</param>
    /// <param name="keepIntermediates">Also return the step's tensors.</param>
    public CoDiLossTerms ComputeLoss(Tensor x, Tensor c, Generator generator, bool keepIntermediates = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        var (t, s) = DrawTimesteps((int)x.shape[0], generator, x.device);
        Tensor eps = randn(x.shape, dtype: x.dtype, generator: generator).to(x.device);
        VelocityModel online = student.WithCondition(c);
        VelocityModel emaTarget = target.WithCondition(c);
        VelocityModel frozenTeacher = teacher.AsVelocityModel();
        return CoDiLoss.Compute(online, emaTarget, frozenTeacher, Schedule, x, t, s, eps, Options, keepIntermediates).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// After an optimiser step: theta_ema &lt;- g theta_ema + (1 - g) theta for the trainable parameters,
    /// then refreshes the target. Returns the decay g used.
    /// </summary>
    public double UpdateEma()
    {
        double decay = ema.Update();
        SyncTarget();
        return decay;
    }

    /// <summary>
    /// Copies into the target the EMA shadows of the trainable parameters and the student's current
    /// values of everything else (frozen parameters, buffers). Call after loading a checkpoint into the
    /// student or the EMA.
    /// </summary>
    public void SyncTarget()
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in targetTensors)
            tensor.copy_(ema.Shadows.TryGetValue(name, out var shadow) ? shadow : studentTensors[name]);
    }

    /// <summary>"codi" for full training, "pe-codi" for adapter-only training.</summary>
    public string Name => Options.TrainableSet == TrainableScope.AdapterOnly ? "pe-codi" : "codi";

    /// <inheritdoc />
    IConditionalDenoiser ITrainingMethod.Student => student;

    /// <summary>The few-step grid sampler at 1, 2 and 4 steps on the training grid (method.md section 3).</summary>
    public IReadOnlyList<SamplerSpec> ValidationSamplers =>
        [new(SamplerKind.Grid, 1, Options.GridSize), new(SamplerKind.Grid, 2, Options.GridSize), new(SamplerKind.Grid, 4, Options.GridSize)];

    /// <summary>The loss for the shared training loop: total, consistency and guidance terms.</summary>
    public LossTerms Loss(Tensor x, Tensor c, Generator generator)
    {
        var terms = ComputeLoss(x, c, generator);
        return new LossTerms(terms.Total,
            [new("loss", terms.TotalValue), new("consistency", terms.ConsistencyValue), new("guidance", terms.GuidanceValue)]);
    }

    /// <summary>The EMA update and target refresh (<see cref="UpdateEma"/>).</summary>
    public void AfterOptimizerStep() => UpdateEma();

    /// <summary>Refreshes the target from the loaded student and EMA (<see cref="SyncTarget"/>).</summary>
    public void AfterStateLoaded() => SyncTarget();

    /// <summary>The student with the condition bound (its output is the plain v-prediction).</summary>
    public VelocityModel SamplingModel(Tensor condition) => student.WithCondition(condition);

    /// <summary>Disposes the student, the target and the EMA (not the teacher, which the caller owns).</summary>
    public void Dispose()
    {
        ema.Dispose();
        student.Dispose();
        target.Dispose();
    }
}
