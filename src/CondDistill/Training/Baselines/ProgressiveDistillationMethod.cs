using CondDistill.Diffusion;
using CondDistill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Training.Baselines;

/// <summary>
/// GD-II (method.md section 4): one phase of progressive distillation of a fine-tuned conditional
/// model (Salimans and Ho 2022; stage two of Meng et al. 2023). The teacher is a frozen copy of the
/// given model, sampled with 2 n DDIM steps; the student, a trainable copy of the same model, learns
/// to take those two steps in one (<see cref="ProgressiveDistillationObjective"/>). There is no
/// classifier-free guidance to distil here: the fine-tuned image-conditioned models are not trained
/// with condition dropout, so the guided stage reduces to w = 0 (plain conditional distillation).
/// <see cref="NextPhase"/> starts the following phase (n / 2 steps) with this student as teacher;
/// <see cref="ProgressiveSchedule"/> lists the phases. Validated with DDIM at n trailing steps.
/// </summary>
public sealed class ProgressiveDistillationMethod : ITrainingMethod
{
    private readonly NoiseSchedule schedule;
    private readonly IConditionalDenoiser teacher;
    private readonly IConditionalDenoiser student;
    private readonly Ema ema;

    /// <summary>Copies <paramref name="teacherModel"/> into a frozen teacher and a trainable student.</summary>
    /// <param name="teacherModel">The fine-tuned model (phase 0) or the previous phase's student; never modified.</param>
    /// <param name="config">The phase's options (n_student and the loss weighting).</param>
    /// <param name="schedule">The noise schedule of the model.</param>
    public ProgressiveDistillationMethod(IConditionalDenoiser teacherModel, ProgressiveDistillationConfig config, NoiseSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(teacherModel);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(schedule);
        config.Validate(schedule.NumTimesteps);
        Config = config;
        this.schedule = schedule;
        teacher = ConditionalDenoiserCopies.FrozenCopy(teacherModel);
        student = ConditionalDenoiserCopies.Copy(teacherModel);
        ConditionalDenoiserCopies.ConfigureTrainable(student, config.Scope, "GD-II");
        TrainableParameters = student.TrainableParameters();
        ema = new Ema(TrainableParameters, config.EmaDecay, config.EmaWarmUp);
    }

    /// <summary>The phase's options.</summary>
    public ProgressiveDistillationConfig Config { get; }

    /// <inheritdoc />
    public string Name => $"gd-ii-{Config.TeacherSteps}to{Config.StudentSteps}";

    /// <inheritdoc />
    public IConditionalDenoiser Student => student;

    /// <summary>The frozen teacher (2 n steps).</summary>
    public IConditionalDenoiser Teacher => teacher;

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters { get; }

    /// <inheritdoc />
    public Ema Ema => ema;

    /// <inheritdoc />
    public IReadOnlyList<SamplerSpec> ValidationSamplers => [new(SamplerKind.Ddim, Config.StudentSteps)];

    /// <summary>
    /// Terms "distill" (the weighted loss) and "x_mse" (its unweighted x-space MSE). Draws (in this order
    /// from <paramref name="generator"/>) the student step index per sample and eps.
    /// </summary>
    public LossTerms Loss(Tensor x, Tensor c, Generator generator)
    {
        BaselineChecks.RequireBatch(x, c, Name);
        using var scope = NewDisposeScope();
        var (indices, eps) = ProgressiveDistillationObjective.Draw(x, Config.StudentSteps, generator);
        var (loss, xMse, _) = ProgressiveDistillationObjective.Loss(
            student.WithCondition(c), teacher.WithCondition(c), schedule, Config.Weighting, x, Config.StudentSteps, indices, eps);
        double value = loss.item<float>();
        double mse = xMse.item<float>();
        return new LossTerms(loss.MoveToOuterDisposeScope(), [new("distill", value), new("x_mse", mse)]);
    }

    /// <summary>Updates the EMA.</summary>
    public void AfterOptimizerStep() => ema.Update();

    /// <summary>Nothing derives from the EMA here.</summary>
    public void AfterStateLoaded()
    {
    }

    /// <inheritdoc />
    public VelocityModel SamplingModel(Tensor condition) => student.WithCondition(condition);

    /// <summary>
    /// The next phase: a new method whose teacher (and initial student) is a copy of this student
    /// with its EMA weights (<paramref name="useEmaWeights"/>, the default) or its online weights,
    /// and whose student takes half as many steps. This method is left unchanged (dispose it yourself).
    /// </summary>
    /// <exception cref="InvalidOperationException">The student's step count is odd (cannot halve).</exception>
    public ProgressiveDistillationMethod NextPhase(bool useEmaWeights = true)
    {
        if (Config.StudentSteps % 2 != 0)
            throw new InvalidOperationException($"GD-II: the student takes {Config.StudentSteps} steps, which cannot be halved; the schedule ends here.");
        var config = Config with { StudentSteps = Config.StudentSteps / 2 };
        if (!useEmaWeights) return new ProgressiveDistillationMethod(student, config, schedule);
        using var averaged = ema.UseAveragedWeights();
        return new ProgressiveDistillationMethod(student, config, schedule);
    }

    /// <summary>Releases the teacher and student copies and the EMA.</summary>
    public void Dispose()
    {
        ema.Dispose();
        teacher.Module.Dispose();
        student.Module.Dispose();
    }
}
