using CondDistill.Diffusion;
using CondDistill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Training.Baselines;

/// <summary>
/// CM-II (method.md section 4): consistency distillation (Song et al. 2023) of an already fine-tuned
/// conditional model, the two-stage baseline CoDi is held against. Three independent copies of the
/// fine-tuned model are made (the source object is never modified):
/// <list type="bullet">
/// <item>the teacher, frozen: one DDIM step t -> s per training example;</item>
/// <item>the student, trained (all weights for "CM-II", the ControlNet adapter only for "CM-II (frozen)");</item>
/// <item>the target f_ema, frozen: a separate module that never receives gradients; after every EMA update
/// the EMA shadows are copied into it (parameters outside the EMA, i.e. a frozen backbone, equal the
/// student's for ever because neither changes).</item>
/// </list>
/// The loss is <see cref="ConsistencyDistillationObjective.Loss"/>; validation uses consistency-model
/// multistep sampling on the grid (4 and 1 steps) of the student's consistency function f.
/// </summary>
public sealed class ConsistencyDistillationMethod : ITrainingMethod
{
    private readonly NoiseSchedule schedule;
    private readonly TimestepGrid grid;
    private readonly IConditionalDenoiser teacher;
    private readonly IConditionalDenoiser student;
    private readonly IConditionalDenoiser target;
    private readonly Ema ema;
    private readonly IReadOnlyList<(Parameter Target, string Name)> targetParameters;

    /// <summary>Copies <paramref name="fineTuned"/> into teacher, student and target.</summary>
    /// <param name="fineTuned">A trained conditional model (e.g. a <see cref="FineTuneMethod"/>'s student with its EMA weights in, or a loaded checkpoint).</param>
    /// <param name="config">Options.</param>
    /// <param name="schedule">The noise schedule of the fine-tuned model.</param>
    /// <exception cref="ArgumentException">An invalid option, or AdapterOnly for a model without an adapter.</exception>
    public ConsistencyDistillationMethod(IConditionalDenoiser fineTuned, ConsistencyDistillationConfig config, NoiseSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(fineTuned);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(schedule);
        config.Validate(schedule.NumTimesteps);
        Config = config;
        this.schedule = schedule;
        grid = new TimestepGrid(config.GridSize, schedule.NumTimesteps);
        teacher = ConditionalDenoiserCopies.FrozenCopy(fineTuned);
        student = ConditionalDenoiserCopies.Copy(fineTuned);
        ConditionalDenoiserCopies.ConfigureTrainable(student, config.Scope, "CM-II");
        target = ConditionalDenoiserCopies.FrozenCopy(student);
        TrainableParameters = student.TrainableParameters();
        ema = new Ema(TrainableParameters, config.EmaDecay, config.EmaWarmUp);
        var byName = target.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        targetParameters = TrainableParameters.Select(p => (byName[p.Name], p.Name)).ToList();
    }

    /// <summary>The options this method was built with.</summary>
    public ConsistencyDistillationConfig Config { get; }

    /// <inheritdoc />
    public string Name => Config.Scope == TrainableScope.AdapterOnly ? "cm-ii-frozen" : "cm-ii";

    /// <inheritdoc />
    public IConditionalDenoiser Student => student;

    /// <summary>The frozen copy of the fine-tuned model that takes the ODE (DDIM) step.</summary>
    public IConditionalDenoiser Teacher => teacher;

    /// <summary>The frozen EMA target model f_ema (no parameter requires gradients).</summary>
    public IConditionalDenoiser Target => target;

    /// <summary>The teacher grid.</summary>
    public TimestepGrid Grid => grid;

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters { get; }

    /// <summary>The EMA of the trainable parameters; its shadows are the target's weights (and the weights to evaluate).</summary>
    public Ema Ema => ema;

    /// <inheritdoc />
    public IReadOnlyList<SamplerSpec> ValidationSamplers =>
        [new(SamplerKind.Consistency, 4, Config.GridSize), new(SamplerKind.Consistency, 1, Config.GridSize)];

    /// <summary>
    /// Term "consistency": the loss. Draws (in this order from <paramref name="generator"/>) the grid
    /// steps and eps (<see cref="ConsistencyDistillationObjective.Draw"/>).
    /// </summary>
    public LossTerms Loss(Tensor x, Tensor c, Generator generator)
    {
        BaselineChecks.RequireBatch(x, c, Name);
        using var scope = NewDisposeScope();
        var (t, s, eps) = ConsistencyDistillationObjective.Draw(x, grid, Config.SharedTimestepAcrossBatch, generator);
        var (loss, _) = ConsistencyDistillationObjective.Loss(
            student.WithCondition(c), teacher.WithCondition(c), target.WithCondition(c), schedule, Config.Scaling, x, t, s, eps);
        double value = loss.item<float>();
        return new LossTerms(loss.MoveToOuterDisposeScope(), [new("consistency", value)]);
    }

    /// <summary>Updates the EMA and copies its shadows into the target.</summary>
    public void AfterOptimizerStep()
    {
        ema.Update();
        SynchronizeTarget();
    }

    /// <summary>Copies the (loaded) EMA shadows into the target.</summary>
    public void AfterStateLoaded() => SynchronizeTarget();

    /// <summary>The student's consistency function f as a v-prediction (a sampler's x_hat is f).</summary>
    public VelocityModel SamplingModel(Tensor condition) =>
        ConsistencyDistillationObjective.AsVelocityModel(student.WithCondition(condition), schedule, Config.Scaling);

    /// <summary>Target weights &lt;- EMA shadows (no gradient, no graph).</summary>
    private void SynchronizeTarget()
    {
        using var noGrad = no_grad();
        foreach (var (parameter, name) in targetParameters) parameter.copy_(ema.Shadows[name]);
    }

    /// <summary>Releases the three model copies and the EMA.</summary>
    public void Dispose()
    {
        ema.Dispose();
        teacher.Module.Dispose();
        student.Module.Dispose();
        target.Module.Dispose();
    }
}
