namespace CondDistill.Data;

/// <summary>Which part of a dataset to read.</summary>
public enum DatasetSplit
{
    /// <summary>The training split (60,000 Fashion-MNIST images).</summary>
    Train,

    /// <summary>The test split (10,000 Fashion-MNIST images, files named t10k-*).</summary>
    Test,
}
