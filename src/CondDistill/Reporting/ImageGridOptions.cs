namespace CondDistill.Reporting;

/// <summary>Layout and value mapping of an image grid.</summary>
public sealed record ImageGridOptions
{
    /// <summary>Tensor value drawn as black (default -1, the data range of the workbench).</summary>
    public double Low { get; init; } = -1.0;

    /// <summary>Tensor value drawn as white (default 1). Values outside [Low, High] are clipped.</summary>
    public double High { get; init; } = 1.0;

    /// <summary>Each tensor pixel becomes a Scale x Scale block (default 2; 28x28 images are small).</summary>
    public int Scale { get; init; } = 2;

    /// <summary>Gap in output pixels between tiles and around the grid.</summary>
    public int Padding { get; init; } = 2;

    /// <summary>Grey level (0-255) of the gaps and the label column.</summary>
    public byte Background { get; init; } = 200;

    /// <summary>Grey level (0-255) of label text.</summary>
    public byte LabelColor { get; init; } = 0;

    /// <summary>Each font pixel of a label becomes a LabelScale x LabelScale block.</summary>
    public int LabelScale { get; init; } = 1;

    /// <summary>The defaults.</summary>
    public static ImageGridOptions Default { get; } = new();
}
