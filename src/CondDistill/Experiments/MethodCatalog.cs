using CondDistill.Checkpoints;
using CondDistill.Diffusion;
using CondDistill.Models;
using CondDistill.Training;
using CondDistill.Training.Baselines;
using CondDistill.Training.CoDi;
using TorchSharp;

namespace CondDistill.Experiments;

/// <summary>Every method a run can train, by name, built from an <see cref="ExperimentConfig"/>.</summary>
public static class MethodCatalog
{
    /// <summary>CoDi and its ablations (the switches come from the config's codi_preset).</summary>
    public const string CoDi = "codi";

    /// <summary>The method names, in table order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [CoDi, "finetune-controlnet", "finetune-controlnet-frozen", "finetune-concat", "cm-ii", "cm-ii-frozen", "gd-ii"];

    /// <summary>True for the two-stage methods that distil a fine-tuned conditional model.</summary>
    public static bool NeedsConditionalTeacher(string method) => method is "cm-ii" or "cm-ii-frozen" or "gd-ii";

    /// <summary>Builds the method of <paramref name="config"/> from the pretrained teacher (which it never changes).</summary>
    /// <param name="config">A validated config.</param>
    /// <param name="teacher">The pretrained unconditional UNet (the caller owns it; CoDi's frozen-teacher mode uses it).</param>
    /// <param name="conditionChannels">Channels of the task's condition.</param>
    /// <param name="schedule">The noise schedule.</param>
    public static ITrainingMethod Create(ExperimentConfig config, UNet teacher, int conditionChannels, NoiseSchedule schedule)
    {
        config.Validate();
        var initGenerator = new torch.Generator((ulong)config.Seed + 17);
        switch (config.Method)
        {
            case CoDi:
                var options = CoDiOptions.FromPreset(config.CodiPreset);
                options = options with { EmaDecay = config.EmaDecay ?? options.EmaDecay, EmaWarmUp = config.EmaWarmUp ?? options.EmaWarmUp };
                return new CoDiMethod(teacher, conditionChannels, schedule, options, initGenerator);
            case "finetune-controlnet" or "finetune-controlnet-frozen" or "finetune-concat":
                var variant = config.Method switch
                {
                    "finetune-controlnet" => FineTuneVariant.ControlNetFull,
                    "finetune-controlnet-frozen" => FineTuneVariant.ControlNetFrozenBackbone,
                    _ => FineTuneVariant.Concat,
                };
                var fineTune = new FineTuneConfig(variant, conditionChannels);
                fineTune = fineTune with { EmaDecay = config.EmaDecay ?? fineTune.EmaDecay, EmaWarmUp = config.EmaWarmUp ?? fineTune.EmaWarmUp };
                return new FineTuneMethod(teacher, fineTune, schedule, initGenerator);
            default:
                using (var fineTuned = LoadConditional(config.ConditionalTeacher!))
                {
                    if (config.Method == "gd-ii")
                    {
                        var gd = new ProgressiveDistillationConfig(config.GdStudentSteps);
                        gd = gd with { EmaDecay = config.EmaDecay ?? gd.EmaDecay, EmaWarmUp = config.EmaWarmUp ?? gd.EmaWarmUp };
                        return new ProgressiveDistillationMethod(fineTuned.Denoiser, gd, schedule);
                    }
                    var cm = new ConsistencyDistillationConfig(Scope: config.Method == "cm-ii-frozen" ? TrainableScope.AdapterOnly : TrainableScope.Full);
                    cm = cm with { EmaDecay = config.EmaDecay ?? cm.EmaDecay, EmaWarmUp = config.EmaWarmUp ?? cm.EmaWarmUp };
                    return new ConsistencyDistillationMethod(fineTuned.Denoiser, cm, schedule);
                }
        }
    }

    /// <summary>Loads the fine-tuned conditional model a two-stage method distils; the methods copy it, so it is disposed after use.</summary>
    private static TrainedConditionalModel LoadConditional(string path)
    {
        try
        {
            return TrainedConditionalModel.Load(path);
        }
        catch (CheckpointException e)
        {
            throw new ArgumentException($"Experiment config field 'conditional_teacher' must name a fine-tuned conditional model: {e.Message}", e);
        }
    }
}
