"""Answer sets the template is tested with: curated good combinations and bad answers.

The good combinations cover every choice value at least once, plus hard text
(accents, punctuation, quotes, backslashes), many typed columns, forecasting
with series ids, other compute names and node counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Combination:
    name: str
    answers: dict = field(default_factory=dict)


COMBINATIONS = (
    Combination("defaults"),
    Combination(
        "regression-parquet-devops-accents",
        {
            "project_name": "Prévisions d'Été: Crédit & Co. (v2)",
            "description": (
                'Scores "diabetes" risk \\ C:\\data\\new\\ it\'s """triple""" \'\'\' end\\'
            ),
            "author_name": "Zoë O'Brien-Łukasz",
            "task_type": "regression",
            "model_name": "diabetes.regression_v2",
            "training_dataset": "Diabetes Training v2",
            "scoring_dataset": "Diabetes-Scoring_2026.01",
            "label_column": "target",
            "feature_columns": "age:int,sex:str,bmi,bp,s1,s2,s3,s4,s5,s6",
            "id_column": "patient_id:int",
            "primary_metric": "r2_score",
            "compute_name": "gpu-nodes-2",
            "vm_size": "Standard_NC6s_v3",
            "node_count": "2",
            "process_count_per_node": "1",
            "mini_batch_size": "512KB",
            "error_threshold": "-1",
            "experiment_timeout_minutes": "30",
            "scoring_schedule_frequency": "Week",
            "scoring_schedule_interval": "2",
            "scoring_schedule_time": "23:59",
            "retraining_schedule_frequency": "Month",
            "retraining_schedule_time": "",
            "schedule_time_zone": "WEuropeStandardTime",
            "output_format": "parquet",
            "ci_provider": "azure-devops",
            "python_version": "3.10",
        },
    ),
    Combination(
        "forecasting-series-ids",
        {
            "project_name": "Store Sales Forecast",
            "task_type": "forecasting",
            "model_name": "store-sales-forecaster",
            "training_dataset": "Store Sales History",
            "scoring_dataset": "Store Sales Future",
            "label_column": "sales",
            "feature_columns": "price,promo:bool,temperature,holiday:int",
            "time_column": "date",
            "time_series_id_columns": "store,region",
            "forecast_horizon": "7",
            "primary_metric": "normalized_mean_absolute_error",
            "compute_name": "forecast-cpu",
            "node_count": "3",
            "process_count_per_node": "2",
            "experiment_timeout_minutes": "60",
            "scoring_schedule_frequency": "Hour",
            "scoring_schedule_interval": "6",
            "scoring_schedule_time": "",
            "retraining_schedule_frequency": "Day",
            "retraining_schedule_time": "03:30",
            "schedule_time_zone": "AUSEasternStandardTime",
            "score_on_new_data": True,
            "output_format": "csv",
            "ci_provider": "none",
            "python_version": "3.11",
        },
    ),
    Combination(
        "many-typed-columns",
        {
            "project_name": "Customer Churn",
            "azure_name_prefix": "churn",
            "model_name": "Churn-Classifier",
            "training_dataset": "Churn Training",
            "scoring_dataset": "Churn Scoring",
            "label_column": "churned",
            "feature_columns": (
                "tenure_months:int, monthly_charges, total_charges,contract:str,"
                "payment_method:str,paperless_billing:bool,senior:bool,partner:bool,"
                "dependents:int,signup_date:datetime,last_contact:datetime,region:str,"
                "support_calls:int,data_gb,streaming:bool,_internal_score,plan_tier:str,"
                "discount:float,late_payments:int,satisfaction"
            ),
            "id_column": "customer_id:str",
            "primary_metric": "AUC_weighted",
            "compute_name": "cpu-cluster-16ch",
            "vm_size": "Standard_D4s_v5",
            "node_count": "10",
            "process_count_per_node": "8",
            "mini_batch_size": "5MB",
            "error_threshold": "0",
            "scoring_schedule_frequency": "Month",
            "scoring_schedule_time": "00:00",
            "retraining_schedule_frequency": "Hour",
            "retraining_schedule_interval": "12",
            "schedule_time_zone": "TokyoStandardTime",
            "output_format": "parquet",
            "ci_provider": "github",
            "python_version": "3.10",
        },
    ),
    Combination(
        "regression-minute-no-retraining",
        {
            "project_name": "Petal Width",
            "task_type": "regression",
            "model_name": "petal-width",
            "label_column": "petal_width",
            "feature_columns": "sepal_length,sepal_width,petal_length",
            "compute_name": "ab",
            "node_count": "1",
            "process_count_per_node": "1",
            "mini_batch_size": "1024",
            "scoring_schedule_frequency": "Minute",
            "scoring_schedule_interval": "15",
            "scoring_schedule_time": "",
            "retraining_schedule_frequency": "none",
            "output_format": "csv",
            "ci_provider": "none",
            "python_version": "3.11",
        },
    ),
    Combination(
        "forecasting-single-series",
        {
            "project_name": "Energy Demand",
            "project_slug": "energy_demand",
            "package_name": "energy_forecast",
            "azure_name_prefix": "energy",
            "task_type": "forecasting",
            "model_name": "energy-demand",
            "training_dataset": "Energy History",
            "scoring_dataset": "Energy Horizon",
            "label_column": "demand_mw",
            "feature_columns": "temperature,is_holiday:bool",
            "id_column": "reading_id:str",
            "time_column": "timestamp",
            "forecast_horizon": "48",
            "compute_name": "energy-cluster",
            "vm_size": "Standard_E4ds_v4",
            "node_count": "6",
            "scoring_schedule_frequency": "none",
            "retraining_schedule_frequency": "Minute",
            "retraining_schedule_interval": "30",
            "retraining_schedule_time": "",
            "schedule_time_zone": "UTC",
            "output_format": "parquet",
            "ci_provider": "azure-devops",
            "python_version": "3.10",
        },
    ),
)


@dataclass(frozen=True)
class BadAnswers:
    """Answers the pre-generation hook must refuse, naming ``key``."""

    name: str
    answers: dict
    key: str


BAD_ANSWERS = (
    BadAnswers("slug-with-space", {"project_slug": "My Project"}, "project_slug"),
    BadAnswers("slug-dot", {"project_slug": "iris.scoring"}, "project_slug"),
    BadAnswers("package-keyword", {"package_name": "class"}, "package_name"),
    BadAnswers("package-dash", {"package_name": "iris-scoring"}, "package_name"),
    BadAnswers("package-uppercase", {"package_name": "IrisScoring"}, "package_name"),
    BadAnswers("package-shadows-stdlib", {"package_name": "json"}, "package_name"),
    BadAnswers("package-shadows-sdk", {"package_name": "azureml"}, "package_name"),
    BadAnswers("prefix-too-long", {"azure_name_prefix": "a-very-long-prefix-xyz"},
               "azure_name_prefix"),
    BadAnswers("prefix-microsoft", {"azure_name_prefix": "Microsoft-scoring"}, "azure_name_prefix"),
    BadAnswers("prefix-azureml", {"azure_name_prefix": "AZUREML"}, "azure_name_prefix"),
    BadAnswers("prefix-digit-first", {"azure_name_prefix": "9lives"}, "azure_name_prefix"),
    BadAnswers("prefix-underscore", {"azure_name_prefix": "iris_scoring"}, "azure_name_prefix"),
    BadAnswers("experiment-name-short", {"__scoring_pipeline": "ab"}, "__scoring_pipeline"),
    BadAnswers("experiment-name-long", {"__retraining_pipeline": "r" * 37},
               "__retraining_pipeline"),
    BadAnswers("model-leading-dash", {"model_name": "-model"}, "model_name"),
    BadAnswers("model-space", {"model_name": "my model"}, "model_name"),
    BadAnswers("model-too-long", {"model_name": "m" * 256}, "model_name"),
    BadAnswers("dataset-leading-space", {"training_dataset": " Iris Training"},
               "training_dataset"),
    BadAnswers("dataset-slash", {"scoring_dataset": "scoring/2026"}, "scoring_dataset"),
    BadAnswers("dataset-empty", {"scoring_dataset": ""}, "scoring_dataset"),
    BadAnswers("datasets-equal", {"training_dataset": "Sales", "scoring_dataset": "Sales"},
               "scoring_dataset"),
    BadAnswers("compute-one-char", {"compute_name": "c"}, "compute_name"),
    BadAnswers("compute-trailing-dash", {"compute_name": "cluster-"}, "compute_name"),
    BadAnswers("compute-too-long", {"compute_name": "compute-cluster-xl"}, "compute_name"),
    BadAnswers("compute-underscore", {"compute_name": "cpu_cluster"}, "compute_name"),
    BadAnswers("vm-size-no-standard", {"vm_size": "DS3_v2"}, "vm_size"),
    BadAnswers("label-empty", {"label_column": ""}, "label_column"),
    BadAnswers("label-typed", {"label_column": "species:str"}, "label_column"),
    BadAnswers("label-is-prediction", {"label_column": "prediction"}, "label_column"),
    BadAnswers("features-empty-item", {"feature_columns": "sepal_length,,petal_width"},
               "feature_columns"),
    BadAnswers("features-trailing-comma", {"feature_columns": "sepal_length,"},
               "feature_columns"),
    BadAnswers("features-unknown-type", {"feature_columns": "age:integer"}, "feature_columns"),
    BadAnswers("features-space-in-name", {"feature_columns": "sepal length"}, "feature_columns"),
    BadAnswers("features-duplicate", {"feature_columns": "a,b,a"}, "feature_columns"),
    BadAnswers("features-hold-label", {"feature_columns": "species,sepal_length"},
               "feature_columns"),
    BadAnswers("id-float", {"id_column": "row_id:float"}, "id_column"),
    BadAnswers("id-is-label", {"id_column": "species"}, "id_column"),
    BadAnswers("forecasting-without-time", {"task_type": "forecasting"}, "time_column"),
    BadAnswers("forecasting-horizon-zero",
               {"task_type": "forecasting", "time_column": "date", "forecast_horizon": "0"},
               "forecast_horizon"),
    BadAnswers("forecasting-series-is-time",
               {"task_type": "forecasting", "time_column": "date",
                "time_series_id_columns": "store,date"},
               "time_series_id_columns"),
    BadAnswers("classification-with-time", {"time_column": "date"}, "time_column"),
    BadAnswers("regression-with-series",
               {"task_type": "regression", "label_column": "petal_width",
                "feature_columns": "sepal_length", "time_series_id_columns": "store"},
               "time_series_id_columns"),
    BadAnswers("metric-of-other-task", {"task_type": "regression", "primary_metric": "accuracy"},
               "primary_metric"),
    BadAnswers("metric-typo", {"primary_metric": "AUC-weighted"}, "primary_metric"),
    BadAnswers("nodes-zero", {"node_count": "0"}, "node_count"),
    BadAnswers("processes-word", {"process_count_per_node": "two"}, "process_count_per_node"),
    BadAnswers("error-threshold-below-minus-one", {"error_threshold": "-5"}, "error_threshold"),
    BadAnswers("mini-batch-terabytes", {"mini_batch_size": "1TB"}, "mini_batch_size"),
    BadAnswers("mini-batch-zero", {"mini_batch_size": "0"}, "mini_batch_size"),
    BadAnswers("automl-timeout-below-minimum", {"experiment_timeout_minutes": "10"},
               "experiment_timeout_minutes"),
    BadAnswers("time-not-hh-mm", {"scoring_schedule_time": "6pm"}, "scoring_schedule_time"),
    BadAnswers("time-24", {"retraining_schedule_time": "24:00"}, "retraining_schedule_time"),
    BadAnswers("daily-without-time", {"scoring_schedule_time": ""}, "scoring_schedule_time"),
    BadAnswers("interval-zero", {"scoring_schedule_interval": "0"}, "scoring_schedule_interval"),
    BadAnswers("interval-fraction", {"retraining_schedule_interval": "1.5"},
               "retraining_schedule_interval"),
    BadAnswers("time-zone-iana", {"schedule_time_zone": "Europe/Paris"}, "schedule_time_zone"),
    BadAnswers("time-zone-lowercase", {"schedule_time_zone": "utc"}, "schedule_time_zone"),
    BadAnswers("description-newline", {"description": "line one\nline two"}, "description"),
)
