namespace CondDistill.Training.Baselines;

/// <summary>Which conditional model the fine-tuning baseline trains (method.md section 4).</summary>
public enum FineTuneVariant
{
    /// <summary>
    /// The paper's "LDM" rows: the condition concatenated to the backbone's input
    /// (<see cref="Models.ConcatConditionedUNet.FromBackbone"/>); every weight trains.
    /// </summary>
    Concat,

    /// <summary>A ControlNet adapter on the frozen pretrained backbone; only the adapter trains.</summary>
    ControlNetFrozenBackbone,

    /// <summary>Backbone and ControlNet adapter both train.</summary>
    ControlNetFull,
}
