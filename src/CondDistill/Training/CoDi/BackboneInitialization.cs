namespace CondDistill.Training.CoDi;

/// <summary>How the student's backbone (and therefore the adapter's copy of its encoder) starts.</summary>
public enum BackboneInitialization
{
    /// <summary>A copy of the pretrained unconditional teacher's weights (the paper).</summary>
    Pretrained,

    /// <summary>Freshly initialised weights from the method's seeded generator (the "random init" ablation).</summary>
    Random,
}
