namespace CondDistill.Models;

/// <summary>Which parameters of a <see cref="ControlledUNet"/> train.</summary>
public enum TrainableScope
{
    /// <summary>Backbone and adapter both train (CoDi).</summary>
    Full,

    /// <summary>The backbone is frozen; only the adapter trains (PE-CoDi, ControlNet).</summary>
    AdapterOnly,
}
