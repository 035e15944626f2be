namespace Fer.Training.Data;

/// <summary>How a labelled data set is laid out on disk.</summary>
public enum DatasetLayout
{
    /// <summary>&lt;root&gt;/&lt;split&gt;/&lt;class&gt;/* with class folders named as in docs/design.md, "Emotion labels".</summary>
    Folders,

    /// <summary>RAF-DB from Kaggle: &lt;root&gt;/DATASET/&lt;split&gt;/&lt;1..7&gt;/* plus &lt;root&gt;/&lt;split&gt;_labels.csv (image,label).</summary>
    RafDb,

    /// <summary>FER+: &lt;root&gt;/&lt;split&gt;/label.csv (name, box, ten vote counts) beside the images it names.</summary>
    FerPlus,
}
