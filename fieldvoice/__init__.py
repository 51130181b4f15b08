"""fieldvoice (현장의 목소리): command line and configuration shared by the pipeline and the explorer."""
