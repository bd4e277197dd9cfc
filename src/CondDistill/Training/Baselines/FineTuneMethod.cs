using CondDistill.Diffusion;
using CondDistill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Training.Baselines;

/// <summary>
/// The fine-tuned conditional baseline (method.md section 4, the "slow" quality bar): a conditional
/// model built from a COPY of the pretrained unconditional UNet (the teacher object is never
/// modified), trained with the ordinary v-prediction diffusion loss (<see cref="FineTuneObjective"/>).
/// At construction the student's output equals the teacher's exactly (zero-initialised condition
/// paths). Validated with DDIM at 50 and 4 steps and DPM-Solver++ at 4 steps.
/// </summary>
public sealed class FineTuneMethod : ITrainingMethod
{
    private readonly NoiseSchedule schedule;
    private readonly IConditionalDenoiser student;
    private readonly Ema ema;

    /// <summary>Builds the conditional student from a copy of <paramref name="teacher"/>'s weights.</summary>
    /// <param name="teacher">The pretrained unconditional UNet (read, never modified).</param>
    /// <param name="config">Variant and options.</param>
    /// <param name="schedule">The noise schedule the teacher was trained with.</param>
    /// <param name="adapterGenerator">Source of the ControlNet adapter's new layers' initial weights (hint stack); null uses the global generator.</param>
    public FineTuneMethod(UNet teacher, FineTuneConfig config, NoiseSchedule schedule, Generator? adapterGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(schedule);
        config.Validate();
        Config = config;
        this.schedule = schedule;
        student = BuildStudent(teacher, config, adapterGenerator);
        student.Module.train();
        TrainableParameters = student.TrainableParameters();
        ema = new Ema(TrainableParameters, config.EmaDecay, config.EmaWarmUp);
    }

    /// <summary>The options this method was built with.</summary>
    public FineTuneConfig Config { get; }

    /// <inheritdoc />
    public string Name => Config.Variant switch
    {
        FineTuneVariant.Concat => "finetune-concat",
        FineTuneVariant.ControlNetFrozenBackbone => "finetune-controlnet",
        _ => "finetune-controlnet-full",
    };

    /// <inheritdoc />
    public IConditionalDenoiser Student => student;

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters { get; }

    /// <inheritdoc />
    public Ema Ema => ema;

    /// <inheritdoc />
    public IReadOnlyList<SamplerSpec> ValidationSamplers { get; } =
        [new(SamplerKind.Ddim, 50), new(SamplerKind.Ddim, 4), new(SamplerKind.DpmSolverPlusPlus, 4)];

    /// <summary>
    /// The conditional model of a variant, built from a copy of the pretrained UNet:
    /// concat = <see cref="ConcatConditionedUNet.FromBackbone"/> (all weights train); ControlNet =
    /// a <see cref="ControlledUNet"/> around a copied backbone with <see cref="TrainableScope.AdapterOnly"/>
    /// or <see cref="TrainableScope.Full"/>.
    /// </summary>
    public static IConditionalDenoiser BuildStudent(UNet teacher, FineTuneConfig config, Generator? adapterGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var device = ConditionalDenoiserCopies.DeviceOf(teacher);
        if (config.Variant == FineTuneVariant.Concat)
        {
            var concat = ConcatConditionedUNet.FromBackbone(teacher, config.ConditionChannels);
            concat.to(device);
            return concat;
        }
        var backbone = new UNet(teacher.Config);
        backbone.CopyWeightsFrom(teacher);
        var controlled = new ControlledUNet(backbone, config.AdapterConfig, adapterGenerator);
        controlled.to(device);
        controlled.ConfigureTrainable(config.Variant == FineTuneVariant.ControlNetFull ? TrainableScope.Full : TrainableScope.AdapterOnly);
        return controlled;
    }

    /// <summary>Term "diffusion": the v-prediction MSE (t then eps drawn from <paramref name="generator"/>, see <see cref="FineTuneObjective.Draw"/>).</summary>
    public LossTerms Loss(Tensor x, Tensor c, Generator generator)
    {
        BaselineChecks.RequireBatch(x, c, Name);
        using var scope = NewDisposeScope();
        var total = FineTuneObjective.Loss(student.WithCondition(c), schedule, x, generator);
        double value = total.item<float>();
        return new LossTerms(total.MoveToOuterDisposeScope(), [new("diffusion", value)]);
    }

    /// <summary>Updates the EMA.</summary>
    public void AfterOptimizerStep() => ema.Update();

    /// <summary>Nothing derives from the EMA here.</summary>
    public void AfterStateLoaded()
    {
    }

    /// <inheritdoc />
    public VelocityModel SamplingModel(Tensor condition) => student.WithCondition(condition);

    /// <summary>Releases the student (including its copied backbone) and the EMA.</summary>
    public void Dispose()
    {
        ema.Dispose();
        student.Module.Dispose();
    }
}
